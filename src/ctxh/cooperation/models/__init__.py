"""The cooperation app's models, by sub-domain; import them from here."""

# ruff: noqa: F401, I001 — one import line per sub-domain (each area adds its own line).
from .uploads import Attachment, PrivateStorage, private_storage
from .agreements import ActionPlan, Agreement, AreaOfWork, Task
from .research import Award, GoodPractice, Level, ResearchProject
from .events import Event, Invitation, Presentation, Registration
