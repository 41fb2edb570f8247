"""The schools' rubrics, the evaluations of both sides and the school's grade.

* :func:`rubric_save` — a school's coordinator writes a rubric with its competencies; the
  weights must sum to 100 % (else nothing is written). A rubric already used by an
  evaluation keeps its competencies (a new rubric is made instead).
* :func:`evaluation_submit` — the placement's field instructor evaluates the student
  (mid-term, final) on the school's active rubric; the student rates the site and the
  instructor. Once per placement and kind: a second submission is refused.
* :func:`grade_record` — the school's coordinator records the grade on the rubric's grade
  scale.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ctxh.core import audit
from ctxh.core.notifications import notify, translatable
from ctxh.core.roles import Role
from ctxh.core.scoping import may, scope_for

from ..models import Competency, Evaluation, Grade, Placement, Rubric
from ..selectors.evaluations import BLIND, STUDENT_SIDE, active_rubric, both_submitted, may_submit
from ..selectors.instructors import instructor_users
from .acceptance import members

__all__ = ["evaluation_submit", "grade_record", "rubric_save"]

#: Evaluations are written while the placement runs and after its completion.
EVALUABLE = (Placement.Status.IN_PRACTICE, Placement.Status.COMPLETED)


# --- rubrics ------------------------------------------------------------------------------


def _clean_competencies(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    cleaned, errors, names = [], [], set()
    for i, row in enumerate(rows, start=1):
        name = " ".join(str(row.get("name") or "").split())
        if not name:
            continue
        if name.casefold() in names:
            errors.append(_("Competency “%(name)s” is listed twice.") % {"name": name})
        names.add(name.casefold())
        try:
            weight = int(row.get("weight"))
        except (TypeError, ValueError):
            errors.append(_("Give competency %(n)d a weight in whole percent.") % {"n": i})
            continue
        if not 1 <= weight <= 100:
            errors.append(
                _("The weight of “%(name)s” must be between 1 and 100 %%.") % {"name": name}
            )
        cleaned.append(
            {
                "pk": row.get("pk"),
                "name": name[:200],
                "description": str(row.get("description") or "").strip()[:2000],
                "weight": weight,
            }
        )
    if not cleaned:
        errors.append(_("List at least one competency."))
    total = sum(r["weight"] for r in cleaned)
    if cleaned and total != 100:
        errors.append(
            _("The weights add up to %(total)d %%; they must add up to exactly 100 %%.")
            % {"total": total}
        )
    if errors:
        raise ValidationError({"competencies": errors})
    return cleaned


def rubric_save(
    *,
    school,
    by,
    rubric: Rubric | None = None,
    name: str,
    scale_min: int,
    scale_max: int,
    grade_min: Decimal,
    grade_max: Decimal,
    midterm: bool = True,
    active: bool = True,
    competencies: list[dict[str, Any]],
) -> Rubric:
    """Create (``rubric=None``) or change a school's rubric with its competencies
    (``[{"name", "description", "weight"}, …]``, weights in percent summing to 100).
    Making it active retires the school's other active rubric. All or nothing."""
    if not may(by, Rubric, "change", school):
        raise PermissionDenied(_("You may not change this school's rubrics."))
    rows = _clean_competencies(competencies)
    with transaction.atomic():
        if rubric is not None:
            rubric = Rubric.objects.select_for_update().get(pk=rubric.pk, school=school)
            old = audit.snapshot(rubric) | {"competencies": _competency_trail(rubric)}
        else:
            rubric, old = Rubric(school=school), {}
        used = rubric.pk is not None and rubric.evaluations.exists()
        if used and _competency_rows(rubric) != [(r["name"], r["weight"]) for r in rows]:
            raise ValidationError(
                {
                    "competencies": _(
                        "Evaluations were already made with this rubric: its competencies "
                        "and weights can no longer change. Create a new rubric instead."
                    )
                }
            )
        for field, value in {
            "name": " ".join((name or "").split()),
            "scale_min": scale_min,
            "scale_max": scale_max,
            "grade_min": grade_min,
            "grade_max": grade_max,
            "midterm": bool(midterm),
            "active": bool(active),
        }.items():
            setattr(rubric, field, value)
        # The one-active-rubric rule is kept by retiring the school's other one below.
        rubric.full_clean(validate_constraints=False)
        if rubric.active:
            Rubric.objects.filter(school=school, active=True).exclude(pk=rubric.pk).update(
                active=False
            )
        rubric.save()
        if not used:
            rubric.competencies.all().delete()
            Competency.objects.bulk_create(
                Competency(
                    rubric=rubric,
                    position=i,
                    name=r["name"],
                    description=r["description"],
                    weight=r["weight"],
                )
                for i, r in enumerate(rows)
            )
        else:  # same names and weights: descriptions may be reworded
            for competency, r in zip(
                rubric.competencies.order_by("position", "pk"), rows, strict=True
            ):
                if competency.description != r["description"]:
                    competency.description = r["description"]
                    competency.save(update_fields=["description"])
        new = audit.snapshot(rubric) | {"competencies": _competency_trail(rubric)}
        old, new = audit.diff(old, new)
        audit.record(
            actor=by,
            action="rubric.update" if old else "rubric.create",
            obj=rubric,
            organization=school,
            old=old,
            new=new,
        )
    return rubric


def _competency_rows(rubric: Rubric) -> list[tuple[str, int]]:
    return list(rubric.competencies.order_by("position", "pk").values_list("name", "weight"))


def _competency_trail(rubric: Rubric) -> list[str]:
    return [f"{name} ({weight} %)" for name, weight in _competency_rows(rubric)]


# --- evaluations --------------------------------------------------------------------------


def _scores(rubric: Rubric, scores: dict) -> tuple[dict[str, int], Decimal]:
    """The scores by competency id (all given, each on the rubric's scale) and the
    weighted score on the same scale."""
    errors, cleaned, total = [], {}, Decimal(0)
    for c in rubric.competencies.order_by("position", "pk"):
        raw = scores.get(c.pk, scores.get(str(c.pk)))
        try:
            value = int(raw)
        except (TypeError, ValueError):
            errors.append(_("Score “%(name)s”.") % {"name": c.name})
            continue
        if not rubric.scale_min <= value <= rubric.scale_max:
            errors.append(
                _("The score of “%(name)s” must be between %(min)d and %(max)d.")
                % {"name": c.name, "min": rubric.scale_min, "max": rubric.scale_max}
            )
            continue
        cleaned[str(c.pk)] = value
        total += Decimal(value) * c.weight / 100
    if errors:
        raise ValidationError({"scores": errors})
    return cleaned, total.quantize(Decimal("0.01"))


def _tell_submitted(evaluation: Evaluation, done: set) -> None:
    """The school's coordinators; and, for a blind evaluation, the other side when its
    own is still due ("evaluation due": both are shown once both are in). ``done``: the
    kinds submitted on the placement when this one was."""
    placement = evaluation.placement
    url = reverse("practicum:evaluations", args=[placement.pk])
    notify(
        users=members([placement.school_id], Role.SCHOOL_COORDINATOR),
        title=translatable(
            gettext_lazy("%(kind)s submitted for %(student)s"),
            kind=evaluation.get_kind_display(),
            student=placement.student.full_name,
        ),
        url=url,
    )
    if evaluation.kind not in BLIND:
        return
    if both_submitted(done):
        # Unblinded: each side may now read the other's.
        notify(
            users=[placement.student.user, *instructor_users(placement)],
            title=translatable(
                gettext_lazy("The evaluations of %(student)s's practice are all in"),
                student=placement.student.full_name,
            ),
            body=gettext_lazy("Each side can now read the other's evaluation."),
            url=url,
        )
    elif evaluation.kind in STUDENT_SIDE and Evaluation.Kind.INSTRUCTOR_FINAL not in done:
        if not {*Evaluation.STUDENT_KINDS} <= done:
            return  # the student has one more to write first
        notify(
            users=instructor_users(placement),
            title=translatable(
                gettext_lazy("Evaluation due: the final evaluation of %(student)s"),
                student=placement.student.full_name,
            ),
            body=gettext_lazy(
                "The student has submitted their evaluations; both sides see each other's "
                "once yours is in."
            ),
            url=url,
        )
    elif evaluation.kind == Evaluation.Kind.INSTRUCTOR_FINAL:
        missing = [k for k in Evaluation.STUDENT_KINDS if k not in done]
        notify(
            users=[placement.student.user],
            title=gettext_lazy("Evaluation due: your evaluations of the practice"),
            body=translatable(
                gettext_lazy(
                    "Your field instructor has submitted the final evaluation; you will "
                    "read it once you have submitted yours (%(evaluations)s)."
                ),
                evaluations=", ".join(str(Evaluation.Kind(k).label) for k in missing),
            ),
            url=url,
        )


def evaluation_submit(
    *,
    placement: Placement,
    kind: str,
    by,
    scores: dict | None = None,
    rating: int | None = None,
    comment: str = "",
) -> Evaluation:
    """Submit the evaluation ``kind`` of ``placement``: the field instructor's (``scores``
    per competency of the school's active rubric) or the student's (an overall ``rating``
    on the rubric's scale and a comment). Submitted once: a second time is refused, with
    nothing written."""
    if kind not in Evaluation.Kind.values:
        raise ValidationError(_("Unknown kind of evaluation."))
    if not scope_for(by, Evaluation, "add").covers_object(
        Evaluation(placement=placement)
    ) or not may_submit(by, placement, kind):
        raise PermissionDenied(_("You may not submit this evaluation."))
    with transaction.atomic():
        placement = (
            Placement.objects.select_for_update(of=("self",))
            .select_related("student", "school", "facility")
            .get(pk=placement.pk)
        )
        if Evaluation.objects.filter(placement=placement, kind=kind).exists():
            raise ValidationError(
                _("This evaluation was already submitted; it cannot be submitted again."),
                code="twice",
            )
        if placement.status not in EVALUABLE:
            raise ValidationError(
                _("Evaluations are written for an ongoing or completed placement.")
            )
        rubric = active_rubric(placement.school)
        if rubric is None:
            raise ValidationError(
                _("The school has no rubric in use yet: ask its coordinator to set one up.")
            )
        if kind == Evaluation.Kind.INSTRUCTOR_MIDTERM and not rubric.midterm:
            raise ValidationError(_("The school's rubric has no mid-term evaluation."))
        evaluation = Evaluation(
            placement=placement,
            kind=kind,
            rubric=rubric,
            comment=(comment or "").strip(),
            submitted_at=timezone.now(),
            submitted_by=by if getattr(by, "pk", None) else None,
        )
        if kind in Evaluation.INSTRUCTOR_KINDS:
            evaluation.scores, evaluation.score = _scores(rubric, scores or {})
        else:
            try:
                value = int(rating)
            except (TypeError, ValueError):
                raise ValidationError({"rating": _("Give an overall rating.")}) from None
            if not rubric.scale_min <= value <= rubric.scale_max:
                raise ValidationError(
                    {
                        "rating": _("The rating must be between %(min)d and %(max)d.")
                        % {"min": rubric.scale_min, "max": rubric.scale_max}
                    }
                )
            evaluation.rating = value
        evaluation.full_clean(exclude=["submitted_by"])
        try:
            with transaction.atomic():
                evaluation.save()
        except IntegrityError:  # the same evaluation submitted at the same moment
            raise ValidationError(
                _("This evaluation was already submitted; it cannot be submitted again."),
                code="twice",
            ) from None
        # The trail says what was submitted, not what it says (the other side reads it
        # only when both have submitted).
        audit.record(
            actor=by,
            action="evaluation.submit",
            obj=evaluation,
            organization=placement.school,
            new={
                "placement": placement.pk,
                "kind": kind,
                "rubric": rubric.pk,
                "comment_length": len(evaluation.comment),
            },
        )
        done = set(Evaluation.objects.filter(placement=placement).values_list("kind", flat=True))
        transaction.on_commit(lambda: _tell_submitted(evaluation, done))
    return evaluation


# --- grade --------------------------------------------------------------------------------


def grade_record(*, placement: Placement, value, by) -> Grade:
    """Record (or correct) ``placement``'s grade on the grade scale of the school's
    rubric; a value outside the scale is refused, nothing written."""
    if not scope_for(by, Grade, "change").covers_object(Grade(placement=placement)):
        raise PermissionDenied(_("You may not record this student's grade."))
    try:
        value = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise ValidationError({"value": _("Enter the grade as a number, e.g. 8,5.")}) from None
    if not value.is_finite():
        raise ValidationError({"value": _("Enter the grade as a number, e.g. 8,5.")})
    with transaction.atomic():
        placement = Placement.objects.select_for_update(of=("self",)).get(pk=placement.pk)
        if placement.status not in (Placement.Status.COMPLETED, Placement.Status.INTERRUPTED):
            raise ValidationError(
                _("The grade is recorded once the placement is completed or interrupted.")
            )
        existing = Grade.objects.filter(placement=placement).select_related("rubric").first()
        rubric = existing.rubric if existing else active_rubric(placement.school)
        if rubric is None:
            raise ValidationError(_("The school has no rubric in use, so no grade scale."))
        if not rubric.grade_min <= value <= rubric.grade_max:
            raise ValidationError(
                {
                    "value": _("The grade must be between %(min)s and %(max)s.")
                    % {"min": _number(rubric.grade_min), "max": _number(rubric.grade_max)}
                }
            )
        if value != value.quantize(Decimal("0.01")):
            raise ValidationError({"value": _("At most two decimals.")})
        grade = existing or Grade(placement=placement, rubric=rubric)
        old = {"value": str(existing.value)} if existing else {}
        grade.value = value
        grade.recorded_at = timezone.now()
        grade.recorded_by = by if getattr(by, "pk", None) else None
        grade.full_clean(exclude=["recorded_by", "placement"])
        grade.save()
        audit.record(
            actor=by,
            action="grade.update" if existing else "grade.record",
            obj=grade,
            organization=placement.school,
            old=old,
            new={"placement": placement.pk, "value": str(value)},
        )
    return grade


def _number(value: Decimal) -> str:
    text = f"{value.normalize():f}"
    return text.replace(".", ",")
