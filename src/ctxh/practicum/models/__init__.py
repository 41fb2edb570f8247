"""The practicum's models, by sub-domain; import them from here."""

from .allocation import AllocationOutcome, AllocationRun, Placement
from .choices import Gender, GenderRequirement, Level, PracticeType
from .evaluation import Competency, Evaluation, Grade, Rubric, SupervisionSession
from .network import PracticeSite
from .offers import Offer, PeriodInstructor, Preference, SchoolQuota
from .periods import PlacementPeriod, Round, Student

__all__ = [
    "AllocationOutcome",
    "AllocationRun",
    "Competency",
    "Evaluation",
    "Grade",
    "Rubric",
    "SupervisionSession",
    "Gender",
    "GenderRequirement",
    "Level",
    "Offer",
    "PeriodInstructor",
    "Placement",
    "PlacementPeriod",
    "PracticeSite",
    "PracticeType",
    "Preference",
    "Round",
    "SchoolQuota",
    "Student",
]
