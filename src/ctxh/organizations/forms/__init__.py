"""Forms of the organisation pages (:mod:`.organizations`) and of the service network
(:mod:`.network`). They validate; the services write."""

from .network import HeadcountForm, HeadcountReviewForm
from .organizations import FacilityProfileForm, OrganizationForm

__all__ = ["FacilityProfileForm", "HeadcountForm", "HeadcountReviewForm", "OrganizationForm"]
