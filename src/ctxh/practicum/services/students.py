"""Writes to the students of a round (step 2): by form or by Excel, each with a student
account at the school. Re-entering a student updates the same row and the same account."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from ctxh.accounts import services as accounts
from ctxh.accounts.models import Membership, User
from ctxh.accounts.roles import Role
from ctxh.core import audit
from ctxh.core.scoping import scope_for
from ctxh.core.validators import normalize_phone, validate_vn_phone

from ..models import Gender, Round, Student

STUDENT_FIELDS = (
    "student_code",
    "full_name",
    "gender",
    "date_of_birth",
    "email",
    "phone",
    "vaccinated",
    "languages",
    "notes",
)


def student_username(school, student_code: str) -> str:
    """The student's sign-in name: ``<school code>-<student code>``, lower-case, slugified
    (the same student always gets the same account, whatever file brings them)."""
    return slugify(f"{school.code}-{student_code}")[:150]


def clean_student_code(value: str) -> str:
    return "".join(str(value or "").split()).upper()


def other_round_error(student: Student) -> ValidationError:
    """The refusal for a student already in another round of the same period."""
    return ValidationError(
        {
            "student_code": _(
                "The student %(code)s is already in the round “%(round)s” of this period; "
                "a student takes part in one round per period."
            )
            % {"code": student.student_code, "round": student.round.name}
        }
    )


@transaction.atomic
def student_save(
    *,
    round: Round,  # noqa: A002 - the domain's word
    by,
    student_code: str,
    full_name: str,
    gender: str,
    date_of_birth: dt.date | None = None,
    email: str = "",
    phone: str = "",
    vaccinated: bool = False,
    languages: str = "",
    notes: str = "",
) -> Student:
    """Add a student to ``round``, or update the one with this student code.

    The student is found by (period, school, student code): a student already in another
    round of the same period is refused with a clear message and nothing is written. A new
    student gets (or, when it exists, reuses) the account ``<school code>-<student code>``
    with the role *student* at the school, granted by ``by`` (a school coordinator may grant
    it in their own school); an account with an e-mail receives the invitation to set its
    password. Audited as ``student.create`` / ``student.update``.
    """
    school = round.school
    code = clean_student_code(student_code)
    existing = (
        Student.objects.select_related("round", "user")
        .filter(period_id=round.period_id, school_id=round.school_id, student_code=code)
        .first()
    )
    action = "change" if existing else "add"
    if not scope_for(by, Student, action).covers(school):
        raise PermissionDenied
    if existing is not None and existing.round_id != round.pk:
        raise other_round_error(existing)
    data = {
        "student_code": code,
        "full_name": " ".join(str(full_name or "").split()),
        "gender": gender,
        "date_of_birth": date_of_birth,
        "email": (email or "").strip().lower(),
        "phone": normalize_phone(phone) if phone else "",
        "vaccinated": bool(vaccinated),
        "languages": ", ".join(p.strip() for p in (languages or "").split(",") if p.strip()),
        "notes": (notes or "").strip(),
    }
    errors = {}
    if data["phone"]:
        try:
            validate_vn_phone(data["phone"])
        except ValidationError as exc:
            errors["phone"] = exc.messages
    if gender not in Gender.values:
        errors["gender"] = _("Choose the student's gender.")
    if errors:
        raise ValidationError(errors)
    student = existing or Student(round=round, period_id=round.period_id, school=school)
    with audit.tracking(
        student,
        actor=by,
        action="student.update" if existing else "student.create",
        organization=school,
        fields=["round_id", "user_id", *STUDENT_FIELDS],
    ):
        for name, value in data.items():
            setattr(student, name, value)
        student.full_clean(exclude=["user", "period", "school"])
        if existing is None:
            student.user = _account(by=by, school=school, data=data, round=round)
        student.save()
    return student


def _account(*, by, school, data: dict, round: Round) -> User:
    """The student's account: the existing ``<school>-<code>`` one, or a new one, with the
    role *student* at the school."""
    username = student_username(school, data["student_code"])
    user = User.objects.filter(username=username).first()
    if user is None:
        address = data["email"]
        if address and User.objects.filter(email__iexact=address).exists():
            raise ValidationError({"email": _("Another account already uses this e-mail address.")})
        return accounts.account_create(
            by=by,
            username=username,
            full_name=data["full_name"],
            email=address,
            phone=data["phone"],
            grants=[(school, Role.STUDENT)],
            invite=bool(address),
        )
    other = (
        Student.objects.select_related("round")
        .filter(period_id=round.period_id, user=user)
        .exclude(round=round)
        .first()
    )
    if other is not None:
        raise other_round_error(other)
    if not Membership.objects.filter(
        user=user, organization=school, role=Role.STUDENT, active=True
    ).exists():
        accounts.membership_grant(by=by, user=user, organization=school, role=Role.STUDENT)
    return user
