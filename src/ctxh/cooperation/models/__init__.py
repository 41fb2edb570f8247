"""The cooperation app's models, by sub-domain; import them from here."""

from .events import Event, Invitation, Presentation, Registration  # noqa: F401
