"""The training's pages, one module per area; ``urlpatterns`` gathers theirs."""

from .attendance import urlpatterns as _attendance
from .catalogue import urlpatterns as _catalogue
from .certificates import urlpatterns as _certificates
from .classes import urlpatterns as _classes
from .degree import urlpatterns as _degree
from .enrolment import urlpatterns as _enrolment
from .me import urlpatterns as _me
from .statistics import urlpatterns as _statistics

urlpatterns = [
    *_classes,
    *_catalogue,
    *_enrolment,
    *_attendance,
    *_certificates,
    *_me,
    *_degree,
    *_statistics,
]
