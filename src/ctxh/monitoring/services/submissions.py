"""Every write of periodic submissions. Keyword-only, permission-checked, atomic, audited.

Rules every write checks, refusing with a Vietnamese message and writing nothing:

* the organisation reports this data set (its kind is among the data set's kinds);
* the period is a period of the data set that has begun and is still open: a period closes
  ``grace_days`` after its deadline, or when the programme office closes it
  (:func:`period_close`); the programme office itself may still act on a closed period;
* one current submission per (data set, organisation, period): a second one is refused
  (a change after approval is a correction, :func:`submission_correct`);
* every figure is a whole number of people, never negative; a total equals the sum of its
  breakdown (a blank total is filled with that sum).

Statuses move only through :func:`ctxh.core.transitions.transition`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ctxh.accounts.models import Membership
from ctxh.core import audit
from ctxh.core.notifications import notify, translatable
from ctxh.core.scoping import SYSTEM, scope_for
from ctxh.core.transitions import transition
from ctxh.organizations.models import Organization, ResidentCount
from ctxh.organizations.services import HeadcountRow, headcount_load

from ..models import ClosedPeriod, DataField, DataSet, Submission, SubmissionValue

#: A figure above this is a typing mistake (a ward's allowance recipients are thousands).
MAX_VALUE = 1_000_000
#: The management command reminds an organisation at most once per this many days.
REMIND_EVERY_DAYS = 7

__all__ = [
    "can_report",
    "clean_values",
    "period_close",
    "period_is_closed",
    "remind_all_due",
    "submission_approve",
    "submission_correct",
    "submission_return",
    "submission_save",
    "submission_start",
    "submission_submit",
    "submissions_remind",
]


def _n(value: int) -> str:
    return number_format(value, force_grouping=True)


def _user(by):
    return by if getattr(by, "is_authenticated", False) else None


def _is_office(by) -> bool:
    """The programme office (approves everything): it may act on closed periods."""
    return scope_for(by, Submission, "approve").everything


def can_report(user, dataset: DataSet, organization: Organization) -> bool:
    """Whether ``user`` may enter and submit ``organization``'s figures of ``dataset``."""
    return dataset.reports(organization) and scope_for(user, Submission, "add").covers(organization)


def period_is_closed(dataset: DataSet, period_start: dt.date, *, today=None) -> bool:
    """A period is closed ``grace_days`` after its deadline, or once closed by hand."""
    return dataset.is_closed(period_start, today=today)


def _check_period(dataset: DataSet, period_start, by) -> tuple[dt.date, dt.date]:
    """The period's (start, end), refusing one that is not a period start, has not begun
    or is closed (the last one not for the programme office)."""
    if not isinstance(period_start, dt.date) or isinstance(period_start, dt.datetime):
        raise ValidationError({"period_start": _("Choose a period.")}, code="invalid")
    start, end = dataset.bounds(period_start)
    if start != period_start:
        raise ValidationError(
            {
                "period_start": _("%(date)s is not the first day of a period of this form.")
                % {"date": period_start.strftime("%d/%m/%Y")}
            },
            code="not_period_start",
        )
    if start > timezone.localdate():
        raise ValidationError(
            {
                "period_start": _("Period %(period)s has not begun yet.")
                % {"period": dataset.label(start)}
            },
            code="future",
        )
    if period_is_closed(dataset, start) and not _is_office(by):
        raise ValidationError(
            {
                "period_start": _(
                    "Period %(period)s is closed for submissions (closed on %(date)s). "
                    "Contact the programme office."
                )
                % {
                    "period": dataset.label(start),
                    "date": dataset.closes(end).strftime("%d/%m/%Y"),
                }
            },
            code="closed",
        )
    return start, end


def _check_reporter(dataset: DataSet, organization: Organization, by) -> None:
    if not dataset.active:
        raise ValidationError(_("The form “%(form)s” is no longer in use.") % {"form": dataset})
    if not dataset.reports(organization):
        raise ValidationError(
            _("%(org)s does not report the form “%(form)s”.")
            % {"org": organization, "form": dataset},
            code="not_reporter",
        )
    if not scope_for(by, Submission, "add").covers(organization):
        raise PermissionDenied


def clean_values(dataset: DataSet, values: Mapping, *, complete: bool = False) -> dict:
    """``{field code or DataField: value}`` → ``{DataField: int}``, validated.

    A blank value (None or "") is left out; a blank total whose parts are all given is
    their sum. ``complete``: every field must then have a value (a submission).
    Raises ``ValidationError`` (keyed by field code) listing every problem."""
    fields = {f.code: f for f in dataset.fields.all()}
    errors: dict[str, list] = {}
    result: dict[DataField, int] = {}
    for key, raw in (values or {}).items():
        code = key.code if isinstance(key, DataField) else str(key)
        field = fields.get(code)
        if field is None:
            errors.setdefault("__all__", []).append(_("Unknown figure: %(code)s.") % {"code": code})
            continue
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            continue
        if isinstance(raw, str):
            try:
                raw = int(raw.strip().replace(".", ""))
            except ValueError:
                errors.setdefault(code, []).append(
                    _("%(field)s: enter a whole number.") % {"field": field.name}
                )
                continue
        if isinstance(raw, bool) or not isinstance(raw, int):
            errors.setdefault(code, []).append(
                _("%(field)s: enter a whole number.") % {"field": field.name}
            )
        elif raw < 0:
            errors.setdefault(code, []).append(
                _("%(field)s: the number of people cannot be negative.") % {"field": field.name}
            )
        elif raw > MAX_VALUE:
            errors.setdefault(code, []).append(
                _("%(field)s: %(value)s is more than any organisation reports.")
                % {"field": field.name, "value": _n(raw)}
            )
        else:
            result[field] = raw
    if not errors:
        by_code = {f.code: v for f, v in result.items()}
        for total in fields.values():
            parts = [f for f in fields.values() if f.part_of_id == total.pk]
            if not parts:
                continue
            given = [by_code[p.code] for p in parts if p.code in by_code]
            if total.code not in by_code:
                if len(given) == len(parts):
                    result[total] = sum(given)
                continue
            if len(given) == len(parts) and sum(given) != by_code[total.code]:
                errors.setdefault(total.code, []).append(
                    _("%(field)s: %(total)s does not equal the sum of its breakdown (%(sum)s).")
                    % {"field": total.name, "total": _n(by_code[total.code]), "sum": _n(sum(given))}
                )
    if not errors and complete:
        missing = [f.name for f in fields.values() if f not in result]
        if missing:
            errors["__all__"] = [
                _("Enter every figure (0 when there is none): %(fields)s.")
                % {"fields": ", ".join(missing)}
            ]
    if errors:
        raise ValidationError(errors)
    return result


def _write_values(submission: Submission, values: dict) -> tuple[dict, dict]:
    """Replace the submission's figures with ``values``; returns (old, new) by field code."""
    old = {v.field.code: v.value for v in submission.values.select_related("field")}
    submission.values.all().delete()
    SubmissionValue.objects.bulk_create(
        SubmissionValue(submission=submission, field=f, value=v) for f, v in values.items()
    )
    new = {f.code: v for f, v in values.items()}
    return audit.diff(old, new)


def _current(dataset, organization, period_start):
    return (
        Submission.objects.current()
        .select_for_update()
        .filter(dataset=dataset, organization=organization, period_start=period_start)
        .order_by("-version")
    )


def _duplicate(existing: Submission) -> ValidationError:
    if existing.status == Submission.Status.APPROVED:
        message = _(
            "%(org)s's “%(form)s” for %(period)s is already approved; to change it, make a "
            "correction from that submission."
        )
    else:
        message = _("%(org)s already has a “%(form)s” for %(period)s (%(status)s); open it.")
    return ValidationError(
        message
        % {
            "org": existing.organization,
            "form": existing.dataset,
            "period": existing.period_label,
            "status": existing.get_status_display(),
        },
        code="duplicate",
    )


@transaction.atomic
def submission_start(
    *, dataset: DataSet, organization: Organization, period_start: dt.date, by
) -> Submission:
    """Open an empty draft of ``organization``'s ``dataset`` for the period starting
    ``period_start``. Refused when the organisation already has one for that period."""
    _check_reporter(dataset, organization, by)
    start, end = _check_period(dataset, period_start, by)
    # Serialise the organisation's submissions (a concurrent duplicate waits, then fails).
    Organization.objects.select_for_update().filter(pk=organization.pk).first()
    existing = _current(dataset, organization, start).first()
    if existing is not None:
        raise _duplicate(existing)
    submission = Submission(
        dataset=dataset,
        organization=organization,
        period_start=start,
        period_end=end,
        created_by=_user(by),
    )
    submission.full_clean()
    submission.save()
    audit.record(
        actor=by,
        action="submission.create",
        obj=submission,
        organization=organization,
        new={"dataset": dataset.code, "period_start": start, "version": 1},
    )
    return submission


@transaction.atomic
def submission_save(
    *,
    dataset: DataSet,
    organization: Organization,
    period_start: dt.date,
    values: Mapping,
    by,
) -> Submission:
    """Save ``organization``'s figures of ``dataset`` for the period as a draft (the
    open draft or returned submission is updated; none: a new draft). Refused when the
    period's submission is already submitted or approved (a duplicate)."""
    _check_reporter(dataset, organization, by)
    start, end = _check_period(dataset, period_start, by)
    Organization.objects.select_for_update().filter(pk=organization.pk).first()
    cleaned = clean_values(dataset, values)
    submission = _current(dataset, organization, start).first()
    if submission is not None and not submission.editable:
        # An approved one with a correction in progress: the correction is the one to edit.
        open_one = (
            _current(dataset, organization, start)
            .filter(status__in=Submission.EDITABLE_STATUSES)
            .first()
        )
        if open_one is None:
            raise _duplicate(submission)
        submission = open_one
    created = submission is None
    if created:
        submission = Submission(
            dataset=dataset,
            organization=organization,
            period_start=start,
            period_end=end,
            created_by=_user(by),
        )
        submission.full_clean()
        submission.save()
    old, new = _write_values(submission, cleaned)
    audit.record(
        actor=by,
        action="submission.create" if created else "submission.save",
        obj=submission,
        organization=organization,
        old=old,
        new={"dataset": dataset.code, "period_start": start, **new} if created else new,
    )
    return submission


def _members(organization: Organization):
    """The people of ``organization`` (its active memberships), to notify."""
    return [
        m.user
        for m in Membership.objects.filter(organization=organization, active=True).select_related(
            "user"
        )
    ]


def _url(submission: Submission) -> str:
    return reverse("monitoring:submission_detail", args=[submission.pk])


@transaction.atomic
def submission_submit(*, submission: Submission, by) -> Submission:
    """Send a draft (or a returned submission, corrected) to the programme office. Every
    figure must be given and the totals must agree; the period must be open."""
    _check_reporter(submission.dataset, submission.organization, by)
    _check_period(submission.dataset, submission.period_start, by)
    values = {v.field: v.value for v in submission.values.select_related("field")}
    clean_values(submission.dataset, values, complete=True)
    return transition(
        submission,
        to=Submission.Status.SUBMITTED,
        by=by,
        extra_updates={"submitted_at": timezone.now(), "submitted_by": _user(by)},
    )


def _tell(submission: Submission, title) -> None:
    transaction.on_commit(
        lambda: notify(users=_members(submission.organization), title=title, url=_url(submission))
    )


@transaction.atomic
def submission_approve(*, submission: Submission, by, comment: str = "") -> Submission:
    """The programme office approves a submitted report. An approved earlier version (this
    one corrects it) becomes superseded and is kept. Figures of a headcount-backed data set
    are written through to the registry's headcount (accepted, in force)."""
    previous = submission.previous
    if previous is not None and previous.status == Submission.Status.APPROVED:
        transition(previous, to=Submission.Status.SUPERSEDED, by=by)
    transition(
        submission,
        to=Submission.Status.APPROVED,
        by=by,
        reason=(comment or "").strip(),
        extra_updates={
            "decided_at": timezone.now(),
            "decided_by": _user(by),
            "comment": (comment or "").strip()[:500],
        },
    )
    if submission.dataset.headcount_backed:
        write_through_headcount([submission], by=by)
    _tell(
        submission,
        translatable(
            gettext_lazy("“%(form)s” for %(period)s was approved"),
            form=submission.dataset.name_vi,
            period=submission.period_label,
        ),
    )
    return submission


def write_through_headcount(submissions: list[Submission], *, by) -> int:
    """Write approved residents' figures into the registry's headcount, as of each
    period's end (the registry is the one source of truth for residents). A group's
    figure is written when it is not zero or the registry already has one; figures equal
    to those in force are skipped by :func:`headcount_load`. Returns rows added."""
    if not submissions:
        return 0
    existing = set(
        ResidentCount.objects.current()
        .filter(
            facility_id__in={s.organization_id for s in submissions},
            period_end__in={s.period_end for s in submissions},
        )
        .values_list("facility_id", "period_end", "target_group_id")
    )
    rows = []
    values = SubmissionValue.objects.filter(
        submission__in=submissions, field__target_group__isnull=False
    ).select_related("field__target_group", "submission__organization")
    for v in values:
        s = v.submission
        key = (s.organization_id, s.period_end, v.field.target_group_id)
        if v.value or key in existing:
            rows.append(HeadcountRow(s.organization, s.period_end, v.field.target_group, v.value))
    if not rows:
        return 0
    return headcount_load(
        by=SYSTEM if by is SYSTEM else by, rows=rows, note=_("From the approved periodic report")
    )


@transaction.atomic
def submission_return(*, submission: Submission, comment: str, by) -> Submission:
    """The programme office returns a submitted report with a comment (what to check or
    correct); the organisation corrects it and submits it again."""
    comment = (comment or "").strip()
    if len(comment) > 500:
        raise ValidationError({"comment": _("Keep the comment under 500 characters.")})
    transition(
        submission,
        to=Submission.Status.RETURNED,
        by=by,
        reason=comment,
        extra_updates={"comment": comment, "decided_at": timezone.now(), "decided_by": _user(by)},
    )
    _tell(
        submission,
        translatable(
            gettext_lazy("“%(form)s” for %(period)s was returned: %(comment)s"),
            form=submission.dataset.name_vi,
            period=submission.period_label,
            comment=comment,
        ),
    )
    return submission


@transaction.atomic
def submission_correct(*, submission: Submission, by) -> Submission:
    """Open a correction of an approved submission: a new version (a draft with the same
    figures) that replaces it once approved; the approved one stays in force meanwhile
    and is kept afterwards, superseded."""
    if submission.status != Submission.Status.APPROVED:
        raise ValidationError(
            _("Only an approved submission can be corrected; edit this one instead."),
            code="not_approved",
        )
    _check_reporter(submission.dataset, submission.organization, by)
    _check_period(submission.dataset, submission.period_start, by)
    Organization.objects.select_for_update().filter(pk=submission.organization_id).first()
    open_one = _current(submission.dataset, submission.organization, submission.period_start)
    open_one = open_one.filter(status__in=Submission.OPEN_STATUSES).first()
    if open_one is not None:
        raise ValidationError(
            _("A correction of this submission is already in progress (version %(v)s).")
            % {"v": open_one.version},
            code="duplicate",
        )
    correction = Submission(
        dataset=submission.dataset,
        organization=submission.organization,
        period_start=submission.period_start,
        period_end=submission.period_end,
        version=submission.version + 1,
        previous=submission,
        created_by=_user(by),
    )
    correction.full_clean()
    correction.save()
    SubmissionValue.objects.bulk_create(
        SubmissionValue(submission=correction, field_id=v.field_id, value=v.value)
        for v in submission.values.all()
    )
    audit.record(
        actor=by,
        action="submission.correct",
        obj=correction,
        organization=submission.organization,
        new={"corrects": submission.pk, "version": correction.version},
    )
    return correction


@transaction.atomic
def period_close(*, dataset: DataSet, period_start: dt.date, by) -> ClosedPeriod:
    """The programme office closes a period for submissions before it closes by itself."""
    if not _is_office(by):
        raise PermissionDenied
    start, _end = dataset.bounds(period_start)
    closure, created = ClosedPeriod.objects.get_or_create(
        dataset=dataset, period_start=start, defaults={"closed_by": _user(by)}
    )
    if created:
        audit.record(
            actor=by,
            action="closedperiod.create",
            obj=closure,
            new={"dataset": dataset.code, "period_start": start},
        )
    return closure


def missing_reporters(dataset: DataSet, period_start: dt.date):
    """The organisations that report ``dataset`` and have not submitted the period
    (nothing, or a draft, or a returned submission not yet submitted again)."""
    done = Submission.objects.filter(
        dataset=dataset,
        period_start=period_start,
        status__in=[Submission.Status.SUBMITTED, Submission.Status.APPROVED],
    ).values("organization_id")
    return dataset.reporters().exclude(pk__in=done)


@transaction.atomic
def submissions_remind(*, dataset: DataSet, period_start: dt.date, by, organizations=None) -> int:
    """Remind the organisations that have not reported ``dataset`` for the period (all of
    them, or those of ``organizations`` among them), in-app and by e-mail on commit.
    Programme office only. Returns how many organisations were reminded."""
    if not _is_office(by):
        raise PermissionDenied
    start, end = dataset.bounds(period_start)
    orgs = missing_reporters(dataset, start)
    if organizations is not None:
        orgs = orgs.filter(pk__in=[getattr(o, "pk", o) for o in organizations])
    orgs = list(orgs)
    if not orgs:
        return 0
    users = list(
        Membership.objects.filter(organization__in=orgs, active=True)
        .select_related("user")
        .values_list("user", flat=True)
    )
    from django.contrib.auth import get_user_model

    recipients = list(get_user_model().objects.filter(pk__in=users))
    title = translatable(
        gettext_lazy("Reminder: “%(form)s” for %(period)s is due on %(date)s"),
        form=dataset.name_vi,
        period=dataset.label(start),
        date=dataset.deadline(end).strftime("%d/%m/%Y"),
    )
    url = reverse("monitoring:submissions")
    transaction.on_commit(lambda: notify(users=recipients, title=title, url=url))
    audit.record(
        actor=by,
        action="submission.remind",
        object_type=Submission._meta.label_lower,
        object_id=f"{dataset.pk}:{start.isoformat()}",
        object_repr=f"{dataset.name_vi} · {dataset.label(start)}",
        new={"organizations": len(orgs), "people": len(recipients)},
    )
    return len(orgs)


def remind_all_due(*, today: dt.date | None = None) -> int:
    """For cron: for each active data set, the latest period whose deadline has passed
    and that is still open, remind the organisations that have not reported — at most
    once per :data:`REMIND_EVERY_DAYS` per data set and period. Returns organisations
    reminded."""
    from ctxh.core.models import AuditEvent

    today = today or timezone.localdate()
    count = 0
    for dataset in DataSet.objects.filter(active=True):
        start, end = dataset.bounds(today)
        while dataset.deadline(end) >= today:  # step back to the last period already due
            start, end = dataset.bounds(start - dt.timedelta(days=1))
        if period_is_closed(dataset, start, today=today):
            continue
        recent = AuditEvent.objects.filter(
            action="submission.remind",
            object_id=f"{dataset.pk}:{start.isoformat()}",
            created_at__gte=timezone.now() - dt.timedelta(days=REMIND_EVERY_DAYS),
        )
        if recent.exists():
            continue
        count += submissions_remind(dataset=dataset, period_start=start, by=SYSTEM)
    return count
