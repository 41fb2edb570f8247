"""The monitoring app's models, by sub-domain; import them from here."""

from .indicators import (  # noqa: F401
    BREAKDOWNS,
    PROGRAMME_FIRST_YEAR,
    PROGRAMME_LAST_YEAR,
    Indicator,
    IndicatorValue,
    Target,
    TargetRevision,
)
from .reports import Report  # noqa: F401
from .submissions import (  # noqa: F401
    ClosedPeriod,
    DataField,
    DataSet,
    PeriodType,
    Submission,
    SubmissionValue,
)
