"""The practicum's models, by sub-domain; import them from here."""

from .allocation import AllocationOutcome, AllocationRun, Placement
from .choices import Gender, GenderRequirement, Level, PracticeType
from .evaluation import Competency, Evaluation, Grade, Rubric, SupervisionSession
from .network import PracticeSite
from .offers import Offer, PeriodInstructor, Preference, SchoolQuota
from .periods import PlacementPeriod, Round, Student
from .practice import (
    MAX_HOURS_PER_DAY,
    PRACTICE_STATUSES,
    ActivityType,
    AgreementGoal,
    AgreementVersion,
    LearningAgreement,
    LogEntry,
)

__all__ = [
    "MAX_HOURS_PER_DAY",
    "PRACTICE_STATUSES",
    "ActivityType",
    "AgreementGoal",
    "AgreementVersion",
    "LearningAgreement",
    "LogEntry",
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
