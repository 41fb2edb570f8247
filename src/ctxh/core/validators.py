"""Validators shared by the forms, the services and the Excel import."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_SEPARATORS = re.compile(r"[\s.()\-]")
#: A mobile number (10 digits, 0 then 9) or a landline (11 digits, 02…), written either
#: nationally (0…) or internationally (+84 without the 0).
_VN_PHONE = re.compile(r"^(0[1-9]\d{8}|02\d{9})$")


def normalize_phone(value: str) -> str:
    """``+84 90 123 4567`` → ``0901234567``; separators (spaces, dots, dashes) dropped."""
    digits = _SEPARATORS.sub("", value or "")
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) in (11, 12):
        digits = "0" + digits[2:]
    return digits


def validate_vn_phone(value: str) -> None:
    """Refuse anything but a Vietnamese phone number (``0901`` is refused)."""
    if not value:
        return
    if not _VN_PHONE.match(normalize_phone(value)):
        raise ValidationError(
            _(
                "Enter a Vietnamese phone number: 10 digits starting with 0 (e.g. 0901 234 567), "
                "a landline 02… of 11 digits, or +84…"
            ),
            code="phone",
        )
