"""Choices the person model and the citizen-ID rules (``cccd``) share.

They live apart from ``models`` so that ``cccd`` needs nothing from ``models`` and
``models`` can import ``cccd`` at the top: no import cycle inside the app.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")
