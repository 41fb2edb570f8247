"""The monitoring app's models, by sub-domain; import them from here."""

from .submissions import (  # noqa: F401
    ClosedPeriod,
    DataField,
    DataSet,
    PeriodType,
    Submission,
    SubmissionValue,
)
