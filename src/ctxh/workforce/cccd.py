"""The citizen ID (căn cước công dân, CCCD): validation and masking.

Twelve digits: three for the province where the birth was registered (HCMC 079), one for
century and sex (1900s: 0 male, 1 female; 2000s: 2 male, 3 female; and so on every
century), two for the year of birth, six serial digits. The province codes are those of
the 63 provinces before the 2025 merger (cards keep them); the 34 current codes are a
subset, taken from ``vietnam-provinces`` so a new code is accepted as soon as it appears.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from vietnam_provinces import Province

from ctxh.core.searchtext import normalize

from .choices import Gender

# The 63 provinces' codes (General Statistics Office) before 1 July 2025.
OLD_PROVINCE_CODES = frozenset(
    {1, 2, 4, 6, 8, 10, 11, 12, 14, 15, 17, 19, 20, 22, 24, 25, 26, 27, 30, 31, 33}
    | {34, 35, 36, 37, 38, 40, 42, 44, 45, 46, 48, 49, 51, 52, 54, 56, 58, 60, 62, 64}
    | {66, 67, 68, 70, 72, 74, 75, 77, 79, 80, 82, 83, 84, 86, 87, 89, 91, 92, 93, 94, 95, 96}
)
CURRENT_PROVINCE_CODES = frozenset(int(p.code) for p in Province.iter_all())
PROVINCE_CODES = OLD_PROVINCE_CODES | CURRENT_PROVINCE_CODES

_DIGITS = re.compile(r"^[0-9]{12}$")

# Century/sex digit: (century start, gender) for digits 0–9.
_CENTURY_SEX = {
    0: (1900, Gender.MALE),
    1: (1900, Gender.FEMALE),
    2: (2000, Gender.MALE),
    3: (2000, Gender.FEMALE),
    4: (2100, Gender.MALE),
    5: (2100, Gender.FEMALE),
    6: (2200, Gender.MALE),
    7: (2200, Gender.FEMALE),
    8: (1800, Gender.MALE),
    9: (1800, Gender.FEMALE),
}


def decode(value: str) -> tuple[int, str, int]:
    """(province code, gender, birth year) encoded in a well-formed CCCD."""
    century, gender = _CENTURY_SEX[int(value[3])]
    return int(value[:3]), gender, century + int(value[4:6])


def sex_digit(gender: str, birth_year: int) -> int:
    """The century/sex digit for a person of ``gender`` born in ``birth_year``."""
    for digit, (century, g) in _CENTURY_SEX.items():
        if g == gender and century <= birth_year < century + 100:
            return digit
    raise ValueError(birth_year)


def validate_cccd(value: str, *, gender: str | None = None, birth_year: int | None = None):
    """Raise ``ValidationError`` naming what is wrong with ``value``; return None if valid.

    With ``gender`` and/or ``birth_year`` the ID is cross-checked against them.
    """
    if value is None or not _DIGITS.match(str(value)):
        raise ValidationError(_("A citizen ID has exactly 12 digits."), code="cccd_format")
    province, encoded_gender, encoded_year = decode(value)
    if province not in PROVINCE_CODES:
        raise ValidationError(
            _("%(code)s is not a province code; the first 3 digits name the province."),
            code="cccd_province",
            params={"code": value[:3]},
        )
    if gender and gender != encoded_gender:
        raise ValidationError(
            _("The 4th digit (%(digit)s) says %(encoded)s, but the gender is %(gender)s."),
            code="cccd_gender",
            params={
                "digit": value[3],
                "encoded": Gender(encoded_gender).label,
                "gender": Gender(gender).label,
            },
        )
    if birth_year and birth_year != encoded_year:
        raise ValidationError(
            _(
                "Digits 4 to 6 say the person was born in %(encoded)s, but the date of birth "
                "is in %(year)s."
            ),
            code="cccd_year",
            params={"encoded": encoded_year, "year": birth_year},
        )


# What people type between the digits of an ID they read out: spaces, dots, dashes, slashes.
_ID_SEPARATORS = re.compile(r"[\s.\-_/]+")


def cccd_in_query(query: str | None) -> str | None:
    """The citizen ID a search query spells, or None: the query normalised first
    (full-width digits are digits, invisible characters are gone), then with the
    separators people type between groups of digits removed, must be exactly 12 digits."""
    compact = _ID_SEPARATORS.sub("", normalize(query))
    return compact if _DIGITS.match(compact) else None


def mask_cccd(value: str | None) -> str:
    """The ID with all but the province code and the last two digits hidden: 079*******12."""
    if not value:
        return ""
    value = str(value)
    if len(value) <= 5:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 5) + value[-2:]


def compose_cccd(*, province: int, gender: str, birth_year: int, serial: int) -> str:
    """A well-formed CCCD for these particulars (for demo data and tests)."""
    return (
        f"{province:03d}{sex_digit(gender, birth_year)}{birth_year % 100:02d}{serial % 10**6:06d}"
    )
