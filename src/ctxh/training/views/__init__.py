"""The training's pages, one module per area; ``urlpatterns`` gathers theirs."""

from .catalogue import urlpatterns as _catalogue
from .classes import urlpatterns as _classes
from .enrolment import urlpatterns as _enrolment

urlpatterns = [*_classes, *_catalogue, *_enrolment]
