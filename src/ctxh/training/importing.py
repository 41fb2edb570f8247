"""Excel import of past classes and their participants (kind ``training_history``).

The programme's records of 2010–2020 (and any later class kept outside ctxh) come as one
sheet where **each row is one participant of one class**: the class (code, name, course,
organiser, dates, hours) repeated on every row of that class, then the participant (name,
date of birth, citizen ID, organisation) and whether they attended and completed it. The
core import machinery checks every row, shows the preview and writes all or nothing; the
rejected rows come back as a file with their errors.

**Classes.** A class code not seen before creates a *historic* class (``historic=True``,
status closed: it never went through the workflow) and, when no course of that title
exists (accent- and case-insensitively), a course. Rows of one class must agree on the
class's details. A code that is already a historic class adds to it; importing the same
file again changes nothing (a participant already recorded in the class, by citizen ID or
by name and date of birth, is *unchanged*, or *updated* when attendance, completion or the
organisation changed). A code used by a class run in ctxh is refused.

**People.** Each participant is looked up in the workforce registry by the rule of
:func:`ctxh.workforce.identify.identify_person` — certain for a citizen ID found, or for
exactly one person with the same name (accent-insensitively) and date of birth — but in
batches (:func:`identify_people`: one query per batch of rows, indexed in memory). A
certain match links the enrolment to the person; an uncertain one (several candidates, or
the same name with another or no birth date) is kept with ``match_status = "review"`` for
the review list; nobody at all: ``"unmatched"``, with the name as written. The name, birth
date and ID are kept on every imported enrolment, so a re-import recognises its rows
without asking the registry again.

**Who.** The programme office imports for every organiser; a trainer only classes its
own organisation organised (permission ``import`` on enrolments, as for current classes).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ctxh.core import audit
from ctxh.core.importing import (
    NEW,
    UNCHANGED,
    UPDATED,
    CellError,
    Column,
    Context,
    ImportKind,
    boolean,
    date,
    decimal,
    digits,
    register,
    text,
)
from ctxh.core.scoping import scope_for
from ctxh.core.searchtext import normalize
from ctxh.organizations.models import Organization
from ctxh.workforce.models import Person

from .models import Course, CourseLevel, Enrollment, Funding, TrainingClass

KIND_NAME = "training_history"
BATCH = 1000
#: The class fields every row of a class repeats (and must agree on).
CLASS_FIELDS = ("class_name", "course", "topic", "organizer", "starts_on", "ends_on", "hours")


# --- Identifying people in batches ---------------------------------------------------


@dataclass(frozen=True)
class Participant:
    """A name on a list, as :func:`identify_people` reads it."""

    full_name: str
    date_of_birth: dt.date | None = None
    cccd: str = ""


@dataclass
class Match:
    """The answer for one participant: ``person_id`` when certain; ``candidates`` (ids)
    when a person must decide; neither when nobody in the registry resembles them."""

    person_id: int | None = None
    candidates: list[int] = field(default_factory=list)
    by: str = ""

    @property
    def status(self) -> str:
        if self.person_id is not None:
            return Enrollment.Match.REGISTRY
        return Enrollment.Match.REVIEW if self.candidates else Enrollment.Match.UNMATCHED


def identify_people(participants: Sequence[Participant], *, people=None) -> list[Match]:
    """The registry person of each participant, by the rule of
    :func:`ctxh.workforce.identify.identify_person`, reading the registry (``people``,
    every person by default) once for the whole batch: the people whose citizen ID or
    date of birth appears in it (and, for the few rows without a birth date, whose name
    does), indexed in memory by ID and by (normalised name, birth date)."""
    people = Person.objects.all() if people is None else people
    cccds = {p.cccd for p in participants if p.cccd}
    births = {p.date_of_birth for p in participants if p.date_of_birth}
    by_cccd: dict[str, int] = {}
    by_name: dict[str, list[tuple[int, dt.date | None]]] = {}
    if cccds or births:
        condition = Q(pk__in=[])
        if cccds:
            condition |= Q(cccd__in=cccds)
        if births:
            condition |= Q(date_of_birth__in=births)
        for pk, cccd, name, born in people.filter(condition).values_list(
            "pk", "cccd", "full_name", "date_of_birth"
        ):
            if cccd:
                by_cccd[cccd] = pk
            by_name.setdefault(normalize(name), []).append((pk, born))
    answers: list[Match | None] = []
    # Rows not settled by ID or by name and birth date: identify_person lists the
    # namesakes born on any day for review. Those were not all read above; they are read
    # for the whole batch at once below.
    pending: dict[int, str] = {}
    for i, p in enumerate(participants):
        if p.cccd and p.cccd in by_cccd:
            answers.append(Match(person_id=by_cccd[p.cccd], by="cccd"))
            continue
        name = normalize(p.full_name)
        born = [pk for pk, d in by_name.get(name, []) if d == p.date_of_birth]
        if p.date_of_birth is not None and len(born) == 1:
            answers.append(Match(person_id=born[0], by="name_and_birth"))
        elif p.date_of_birth is not None and born:
            answers.append(Match(candidates=born))
        else:
            answers.append(None)
            if name:
                pending[i] = name
    namesakes = _namesakes(people, set(pending.values())) if pending else {}
    for i, name in pending.items():
        answers[i] = Match(candidates=namesakes.get(name, [])[:10])
    return [a if a is not None else Match() for a in answers]


#: Up to this many names are looked up by prefix; more, and the registry's names are read.
_FEW_NAMES = 20


def _namesakes(people, names: set[str]) -> dict[str, list[int]]:
    """The registry people bearing each of ``names`` (normalised), in ONE query: by the
    prefix of ``search_text`` (which starts with the normalised name) for a few names, or
    by reading every name once for many (cheaper than many ``LIKE`` per row)."""
    rows = people
    if len(names) <= _FEW_NAMES:
        condition = Q(pk__in=[])
        for name in names:
            condition |= Q(search_text__startswith=name)
        rows = rows.filter(condition)
    found: dict[str, list[int]] = {}
    for pk, full_name in rows.order_by("pk").values_list("pk", "full_name"):
        name = normalize(full_name)
        if name in names:
            found.setdefault(name, []).append(pk)
    return found


# --- The columns ---------------------------------------------------------------------


def _code(max_length: int):
    read = text(max_length, upper=True)

    def parse(raw, ctx):
        value = read(raw, ctx)
        if " " in value:
            raise CellError(_("A code has no spaces."))
        return value

    return parse


def _cccd():
    read = digits(12, pad_to=12)

    def parse(raw, ctx):
        value = read(raw, ctx)
        if value and (len(value) != 12 or not value.isdigit()):
            raise CellError(_("A citizen ID (CCCD) has 12 digits."))
        return value

    return parse


def _hours():
    read = decimal(places=1)

    def parse(raw, ctx):
        value = read(raw, ctx)
        if not Decimal("0.5") <= value <= Decimal("5000"):
            raise CellError(_("Between 0,5 and 5.000 hours."))
        return value

    return parse


COLUMNS = [
    Column(
        "class_code",
        "Mã lớp",
        _code(40),
        required=True,
        help="Mã của lớp, giống nhau trên mọi dòng của cùng một lớp (ví dụ LTH-2015-012).",
        number_format="@",
    ),
    Column("class_name", "Tên lớp", text(255), required=True, width=34),
    Column(
        "course",
        "Khóa học",
        text(255),
        required=True,
        width=30,
        help="Tên khóa học; khóa học chưa có trong danh mục sẽ được tạo.",
    ),
    Column("topic", "Chủ đề", text(150), width=24, help="Để trống: lấy theo tên khóa học."),
    Column(
        "organizer",
        "Mã đơn vị tổ chức",
        _code(30),
        required=True,
        number_format="@",
        help="Mã tổ chức của đơn vị tổ chức lớp (xem trang “Mã tổ chức”).",
    ),
    Column("starts_on", "Ngày bắt đầu", date(), required=True, number_format="DD/MM/YYYY"),
    Column("ends_on", "Ngày kết thúc", date(), required=True, number_format="DD/MM/YYYY"),
    Column("hours", "Số giờ", _hours(), required=True, width=10),
    Column("full_name", "Họ và tên học viên", text(150), required=True, width=28),
    Column("date_of_birth", "Ngày sinh", date(past=True), number_format="DD/MM/YYYY"),
    Column(
        "cccd",
        "Số CCCD",
        _cccd(),
        number_format="@",
        help="Không bắt buộc; có CCCD thì nhận diện chắc chắn người trong danh sách nhân sự.",
    ),
    Column(
        "organization",
        "Mã tổ chức của học viên",
        _code(30),
        number_format="@",
        help="Nơi học viên làm việc khi tham gia lớp.",
    ),
    Column("attended", "Có tham dự", boolean(), width=12, help="Có/Không."),
    Column("completed", "Hoàn thành", boolean(), width=12, help="Có/Không."),
]
_LABELS = {c.key: c.label for c in COLUMNS}


def participant_key(*, cccd: str | None, full_name: str, date_of_birth: dt.date | None) -> tuple:
    """How a participant of a class is recognised again: the citizen ID, else the name
    (accent-insensitively) and the date of birth."""
    if cccd:
        return ("cccd", cccd)
    return ("name", normalize(full_name), date_of_birth)


@dataclass
class _Row:
    """What :meth:`HistoryKind.plan` hands to :meth:`HistoryKind.commit` for one row."""

    class_code: str
    klass: dict[str, Any]
    full_name: str
    date_of_birth: dt.date | None
    cccd: str
    organization_id: int | None
    completed: bool | None
    attendance_rate: Decimal | None
    existing: Enrollment | None = None
    old: dict[str, Any] = field(default_factory=dict)


def _outcome(values: dict) -> tuple[bool | None, Decimal | None]:
    """``completed`` and ``attendance_rate`` of a row: an absentee completed nothing;
    attendance is known only when someone did not attend (0 %)."""
    attended, completed = values.get("attended"), values.get("completed")
    if attended is False:
        return False, Decimal("0")
    return completed, None


class HistoryKind(ImportKind):
    """Past classes with their participants; key: class code + participant."""

    name = KIND_NAME
    title = "Lớp tập huấn đã tổ chức (lịch sử)"
    file_stem = "lop-tap-huan-lich-su"
    sheet_title = "Hoc vien"
    columns = COLUMNS
    preview_columns = ("class_code", "full_name", "date_of_birth", "completed")
    organization_keys = ("organizer",)
    model = TrainingClass
    instructions = [
        "Mỗi dòng là một học viên của một lớp đã tổ chức; thông tin lớp (mã, tên, khóa học, "
        "đơn vị tổ chức, ngày, số giờ) ghi giống nhau trên mọi dòng của lớp đó.",
        "Học viên được nhận diện trong danh sách nhân sự theo số CCCD, hoặc theo họ tên và "
        "ngày sinh. Trường hợp chưa chắc chắn được đưa vào danh sách cần xem xét, không đoán.",
        "Nhập lại cùng tệp không tạo trùng lớp hay học viên.",
    ]

    def allowed(self, user) -> bool:
        return not scope_for(user, Enrollment, "import").empty

    def prepare(self, ctx: Context) -> None:
        ctx.cache["orgs"] = {o.code: o for o in Organization.objects.only("id", "code", "ward_id")}
        ctx.cache["scope"] = scope_for(ctx.user, Enrollment, "import")
        ctx.cache["classes"] = {}  # code → the file's first row of the class
        ctx.cache["stored"] = {}  # code → (TrainingClass | None, {participant key: enrolment})
        ctx.cache["today"] = timezone.localdate()

    def key(self, values):
        if not values.get("class_code") or not values.get("full_name"):
            return None
        return (
            values["class_code"],
            *participant_key(
                cccd=values.get("cccd"),
                full_name=values["full_name"],
                date_of_birth=values.get("date_of_birth"),
            ),
        )

    def check(self, values, ctx) -> list[str]:
        errors = []
        orgs = ctx.cache["orgs"]
        organizer = values.get("organizer")
        if organizer:
            org = orgs.get(organizer)
            if org is None:
                errors.append(_no_org("organizer", organizer))
            elif not ctx.cache["scope"].covers(org):
                errors.append(
                    _("%(label)s: you may only import classes your own organisation organised.")
                    % {"label": _LABELS["organizer"]}
                )
        if values.get("organization") and values["organization"] not in orgs:
            errors.append(_no_org("organization", values["organization"]))
        start, end = values.get("starts_on"), values.get("ends_on")
        if start and end and end < start:
            errors.append(_("The class ends before it starts."))
        if end and end > ctx.cache["today"]:
            errors.append(
                _("%(label)s: only classes that have ended are imported here.")
                % {"label": _LABELS["ends_on"]}
            )
        born = values.get("date_of_birth")
        if born and start and born >= start:
            errors.append(_("The participant was born after the class started."))
        if values.get("attended") is False and values.get("completed"):
            errors.append(_("A participant who did not attend cannot have completed the class."))
        return errors

    def plan(self, values, ctx):
        code = values["class_code"]
        klass = {k: values.get(k) for k in CLASS_FIELDS}
        klass["topic"] = klass["topic"] or klass["course"]
        first = ctx.cache["classes"].setdefault(code, klass)
        differs = [_LABELS[k] for k in CLASS_FIELDS if first[k] != klass[k]]
        if differs:
            return (
                None,
                None,
                [
                    _(
                        "an earlier row gives the class %(code)s another %(fields)s; every "
                        "row of a class must give the same details."
                    )
                    % {"code": code, "fields": ", ".join(differs)}
                ],
            )
        stored_class, enrolments = self._stored(code, ctx)
        if stored_class is not None:
            error = _stored_class_error(stored_class, klass, ctx)
            if error:
                return None, None, [error]
        org = ctx.cache["orgs"].get(values.get("organization") or "")
        completed, rate = _outcome(values)
        row = _Row(
            class_code=code,
            klass=klass,
            full_name=values["full_name"],
            date_of_birth=values.get("date_of_birth"),
            cccd=values.get("cccd") or "",
            organization_id=org.pk if org else None,
            completed=completed,
            attendance_rate=rate,
        )
        key = participant_key(
            cccd=row.cccd, full_name=row.full_name, date_of_birth=row.date_of_birth
        )
        existing = enrolments.get(key)
        if existing is None:
            return NEW, row, []
        new = {
            "completed": completed,
            "attendance_rate": rate,
            "organization_id": row.organization_id,
        }
        old = {k: getattr(existing, k) for k, v in new.items() if getattr(existing, k) != v}
        if not old:
            return UNCHANGED, None, []
        row.existing, row.old = existing, old
        return UPDATED, row, []

    def changes(self, values, payload, ctx):
        """What an updated participant changes, in the file's columns."""
        orgs = {o.pk: o.code for o in ctx.cache["orgs"].values()}
        shown = []
        for key, old in payload.old.items():
            if key == "organization_id":
                shown.append(("organization", orgs.get(old), values.get("organization")))
            elif key == "attendance_rate":
                shown.append(("attended", old is None, values.get("attended")))
            else:
                shown.append((key, old, payload.completed))
        return shown

    def _stored(self, code: str, ctx) -> tuple[TrainingClass | None, dict]:
        """The class already recorded under ``code`` and its participants by key (read
        once per class code of the file)."""
        stored = ctx.cache["stored"]
        if code not in stored:
            klass = TrainingClass.objects.select_related("course", "organizer").filter(code=code)
            klass = klass.first()
            enrolments = {}
            if klass is not None:
                for e in Enrollment.objects.filter(training_class=klass).only(
                    "id",
                    "training_class_id",
                    "person_id",
                    "full_name",
                    "date_of_birth",
                    "cccd",
                    "completed",
                    "attendance_rate",
                    "organization_id",
                ):
                    key = participant_key(
                        cccd=e.cccd, full_name=e.full_name, date_of_birth=e.date_of_birth
                    )
                    enrolments[key] = e
            stored[code] = (klass, enrolments)
        return stored[code]

    def commit(self, planned, ctx, *, summary) -> None:
        summary.update(history_import(by=ctx.user, rows=planned))

    def example_row(self) -> list:
        return [
            "LTH-2015-012",
            "Lớp tập huấn kỹ năng công tác xã hội cá nhân — khóa 12",
            "Công tác xã hội với cá nhân và gia đình",
            "Kỹ năng thực hành",
            "HCTXH",
            "09/03/2015",
            "13/03/2015",
            "40",
            "Nguyễn Thị Ánh",
            "17/05/1990",
            "",
            "UBND-26734",
            "Có",
            "Có",
        ]


def _no_org(key: str, code: str) -> str:
    return _("%(label)s: no organisation has the code “%(code)s”.") % {
        "label": _LABELS[key],
        "code": code,
    }


def _stored_class_error(stored: TrainingClass, klass: dict, ctx) -> str | None:
    if not stored.historic:
        return _(
            "The class code %(code)s belongs to a class run in ctxh; past classes need "
            "their own code."
        ) % {"code": stored.code}
    recorded = {
        "class_name": stored.name,
        "organizer": stored.organizer.code,
        "starts_on": stored.starts_on,
        "ends_on": stored.ends_on,
    }
    differs = [_LABELS[k] for k, v in recorded.items() if klass[k] != v]
    if normalize(stored.course.title) != normalize(klass["course"]):
        differs.append(_LABELS["course"])
    if differs:
        return _(
            "The class %(code)s is already recorded with another %(fields)s; correct the "
            "file or the class."
        ) % {"code": stored.code, "fields": ", ".join(differs)}
    return None


# --- The writing ---------------------------------------------------------------------


def history_import(*, by, rows: Iterable[_Row]) -> dict[str, int]:
    """Write checked history rows (new and updated participants) in bulk: the courses and
    historic classes they need, the enrolments, the people identified in batches. Called
    inside the import's transaction; the permission is checked again per organiser. An
    updated participant gets its own audit event (old and new values); what is created is
    summarised by the import's one event. Returns the counts for that event."""
    rows = list(rows)
    scope = scope_for(by, Enrollment, "import")
    organizers = Organization.objects.in_bulk(
        {r.klass["organizer"] for r in rows}, field_name="code"
    )
    if any(not scope.covers(organizers.get(r.klass["organizer"])) for r in rows):
        raise PermissionDenied
    now = timezone.now()
    counts = dict.fromkeys(
        ("classes", "courses", "created", "updated", "linked", "review", "unmatched"), 0
    )
    updates = [r for r in rows if r.existing is not None]
    new_rows = [r for r in rows if r.existing is None]
    classes = _classes_for(new_rows, by=by, organizers=organizers, counts=counts)
    taken: dict[int, set[int]] = {}
    if classes:
        for class_id, person_id in Enrollment.objects.filter(
            training_class__in=classes.values(), person__isnull=False
        ).values_list("training_class_id", "person_id"):
            taken.setdefault(class_id, set()).add(person_id)
    for start in range(0, len(new_rows), BATCH):
        batch = new_rows[start : start + BATCH]
        matches = identify_people(
            [Participant(r.full_name, r.date_of_birth, r.cccd) for r in batch]
        )
        enrolments = []
        for row, match in zip(batch, matches, strict=True):
            klass = classes[row.class_code]
            status, person_id = match.status, match.person_id
            if person_id is not None and person_id in taken.setdefault(klass.pk, set()):
                # The same person under two lines of the list: keep both for a person to
                # review rather than merge or drop one.
                status, person_id = Enrollment.Match.REVIEW, None
            if person_id is not None:
                taken[klass.pk].add(person_id)
            counts[{"registry": "linked"}.get(status, status)] += 1
            enrolments.append(
                Enrollment(
                    training_class=klass,
                    person_id=person_id,
                    organization_id=row.organization_id,
                    full_name=row.full_name,
                    date_of_birth=row.date_of_birth,
                    cccd=row.cccd,
                    match_status=status,
                    status=Enrollment.Status.ACCEPTED,
                    completed=row.completed,
                    attendance_rate=row.attendance_rate,
                    nominated_by=by,
                    decided_at=now,
                )
            )
        Enrollment.objects.bulk_create(enrolments, batch_size=BATCH)
        counts["created"] += len(enrolments)
    if updates:
        changed = []
        for row in updates:
            e = row.existing
            e.completed, e.attendance_rate = row.completed, row.attendance_rate
            e.organization_id = row.organization_id
            changed.append(e)
        Enrollment.objects.bulk_update(
            changed, ["completed", "attendance_rate", "organization_id"], batch_size=BATCH
        )
        audit.record_many(
            actor=by,
            events=[
                {
                    "action": "enrollment.import_update",
                    "obj": row.existing,
                    "organization": organizers.get(row.klass["organizer"]),
                    "old": row.old,
                    "new": {k: getattr(row.existing, k) for k in row.old},
                }
                for row in updates
            ],
        )
        counts["updated"] = len(updates)
    return counts


def _classes_for(rows, *, by, organizers, counts) -> dict[str, TrainingClass]:
    """The class of every code the rows name: the stored ones, and new historic classes
    (closed) with the courses they need, created in bulk."""
    codes = {r.class_code for r in rows}
    classes = TrainingClass.objects.in_bulk(codes, field_name="code")
    firsts: dict[str, _Row] = {}
    sizes: dict[str, int] = {}
    for r in rows:
        firsts.setdefault(r.class_code, r)
        sizes[r.class_code] = sizes.get(r.class_code, 0) + 1
    missing = [code for code in firsts if code not in classes]
    if not missing:
        return classes
    courses = {normalize(c.title): c for c in Course.objects.all()}
    used = set(Course.objects.values_list("code", flat=True))
    new_courses: dict[str, Course] = {}
    number = len(used)
    for code in missing:
        k = firsts[code].klass
        title = normalize(k["course"])
        if title in courses or title in new_courses:
            continue
        while f"LS-{number:05d}" in used:
            number += 1
        used.add(f"LS-{number:05d}")
        new_courses[title] = Course(
            code=f"LS-{number:05d}",
            title=k["course"],
            topic=k["topic"],
            hours=k["hours"],
            level=CourseLevel.OTHER,
            search_text=normalize(f"LS-{number:05d} {k['course']} {k['topic']}"),
        )
    Course.objects.bulk_create(new_courses.values())
    courses.update(new_courses)
    counts["courses"] = len(new_courses)
    new_classes = []
    for code in missing:
        k = firsts[code].klass
        new_classes.append(
            TrainingClass(
                course=courses[normalize(k["course"])],
                code=code,
                name=k["class_name"],
                organizer=organizers[k["organizer"]],
                starts_on=k["starts_on"],
                ends_on=k["ends_on"],
                capacity=min(2000, max(1, sizes[code])),
                funding=Funding.OTHER,
                status=TrainingClass.Status.CLOSED,
                historic=True,
                created_by=by,
                search_text=normalize(f"{code} {k['class_name']}"),
            )
        )
    TrainingClass.objects.bulk_create(new_classes)
    counts["classes"] = len(new_classes)
    return TrainingClass.objects.in_bulk(codes, field_name="code")


register(HistoryKind())
