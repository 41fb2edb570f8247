"""What became of the placements of finished periods (part 2 of the practicum demo).

:func:`load_outcomes` takes a finished period's accepted placements through the practice:
started on the round's first day, then completed (most) or interrupted with a reason
(some); logbooks approved week after week by each instructor at their own pace (the
completed ones reach the round's required hours); the students' ratings of the site and
of the instructor (some with a comment); the instructor's final evaluation and the
school's grade. With ``full`` (the previous semester's period) also the learning
agreements, supervision sessions, the mid-term evaluations and — through the documents
service — the completion letters of the demo accounts' students and a few more.

:func:`load_earlier_years` adds two earlier years (one period each, its rounds, offers and
placements with the facilities' decisions, in bulk) so the comparisons have years to
compare. Everything in bulk, one audit summary per load (counts only).
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import Counter, defaultdict
from decimal import Decimal

from django.utils import timezone

from ctxh.core.scoping import SYSTEM
from ctxh.practicum.models import (
    AgreementGoal,
    Competency,
    Evaluation,
    Grade,
    LearningAgreement,
    LogEntry,
    Placement,
    PlacementPeriod,
    Rubric,
    SupervisionSession,
)

from .plan import DECLINE_REASONS

P = Placement.Status
MAX_DAY = 12
COMPETENCIES = (
    ("Đạo đức và giá trị nghề nghiệp", 30),
    ("Kỹ năng giao tiếp và vấn đàm", 25),
    ("Đánh giá nhu cầu và lập kế hoạch can thiệp", 25),
    ("Làm việc nhóm và phối hợp liên ngành", 20),
)
INTERRUPT_REASONS = (
    "Sinh viên xin tạm dừng vì lý do sức khỏe, sẽ thực tập lại ở kỳ sau.",
    "Gia đình sinh viên có việc đột xuất, sinh viên xin rút khỏi đợt thực tập.",
    "Sinh viên nghỉ quá số buổi cho phép, nhà trường quyết định dừng đợt thực tập.",
)
ACTIVITIES = (
    ("casework", "Vãng gia và ghi chép hồ sơ ca"),
    ("group_work", "Điều phối buổi sinh hoạt nhóm"),
    ("community", "Khảo sát nhu cầu cộng đồng tại khu phố"),
    ("administration", "Hoàn thiện hồ sơ và báo cáo tuần"),
    ("training", "Tham dự buổi tập huấn của cơ sở"),
    ("supervision", "Buổi kiểm huấn với kiểm huấn viên"),
)
SITE_COMMENTS = (
    "Cơ sở tạo điều kiện cho sinh viên tiếp cận ca thực tế ngay từ tuần đầu.",
    "Nhân viên cơ sở thân thiện, sẵn sàng hỗ trợ khi em gặp khó khăn.",
    "Lịch làm việc hơi dày, em mong có thêm thời gian viết hồ sơ ca.",
    "Em học được nhiều về cách phối hợp với chính quyền phường.",
    "Cơ sở nên bố trí chỗ ngồi làm việc cho sinh viên thực tập.",
    "Môi trường chuyên nghiệp, quy trình tiếp nhận đối tượng rõ ràng.",
)
INSTRUCTOR_COMMENTS = (
    "Kiểm huấn viên góp ý cụ thể, giúp em tự tin hơn khi vấn đàm.",
    "Cô phản hồi nhật ký rất nhanh và chi tiết.",
    "Em mong kiểm huấn viên có thêm buổi kiểm huấn nhóm.",
    "Thầy luôn nhắc em về nguyên tắc bảo mật thông tin thân chủ.",
)
TOPICS = (
    "Lập kế hoạch can thiệp cho ca đầu tiên",
    "Kỹ năng lắng nghe tích cực",
    "Xử lý cảm xúc của sinh viên sau ca khó",
    "Chuẩn bị báo cáo giữa kỳ",
)


def school_rubrics(schools) -> dict[int, tuple[Rubric, list[Competency]]]:
    """Each school's active rubric (made, 1–5 with grades 0–10, when it has none)."""
    rubrics = {r.school_id: r for r in Rubric.objects.filter(school__in=schools, active=True)}
    new = [
        Rubric(school=s, name="Bảng tiêu chí đánh giá thực tập", scale_min=1, scale_max=5)
        for s in schools
        if s.pk not in rubrics
    ]
    Rubric.objects.bulk_create(new)
    Competency.objects.bulk_create(
        Competency(rubric=r, position=i, name=name, weight=weight)
        for r in new
        for i, (name, weight) in enumerate(COMPETENCIES)
    )
    rubrics.update({r.school_id: r for r in new})
    competencies = defaultdict(list)
    for c in Competency.objects.filter(rubric__in=rubrics.values()).order_by("position"):
        competencies[c.rubric_id].append(c)
    return {school: (r, competencies[r.pk]) for school, r in rubrics.items()}


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    # The zone's own tzinfo (zoneinfo): as make_aware, without its cost per call.
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=timezone.get_current_timezone())


def _working_days(start: dt.date, end: dt.date) -> list[dt.date]:
    days, day = [], start
    while day <= end:
        if day.weekday() < 5:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def logbook(
    rng: random.Random,
    placement: Placement,
    *,
    hours_needed: float,
    start: dt.date,
    end: dt.date,
    pace_days: float,
    decided_before: dt.datetime | None,
    decided_by_id,
    long_days: bool = False,
) -> list[LogEntry]:
    """Entries of 6–10 hours (8–12 with ``long_days``) on working days from ``start`` to
    ``end`` until ``hours_needed``; each approved ``pace_days`` (±) after it was sent, unless the
    decision would fall after ``decided_before`` (then it is still waiting)."""
    days = _working_days(start, end)
    if not days:
        return []
    choices = (8, 10, 10, 12, 12) if long_days else (6, 7, 8, 8, 9, 10)
    count = min(len(days), max(1, math.ceil(hours_needed / (9.5 if long_days else 7))))
    chosen = sorted(rng.sample(days, count))
    entries, total = [], 0.0
    for day in chosen:
        if total >= hours_needed:
            break
        hours = rng.choice(choices)
        if total + hours > hours_needed:
            hours = max(1, math.ceil(hours_needed - total))
        total += hours
        activity, text = rng.choice(ACTIVITIES)
        submitted = _at(day, rng.randint(17, 21), rng.randint(0, 59))
        decided = submitted + dt.timedelta(hours=max(2, rng.gauss(pace_days, pace_days / 3) * 24))
        waiting = decided_before is not None and decided > decided_before
        entries.append(
            LogEntry(
                placement=placement,
                date=day,
                hours=Decimal(hours),
                activity=activity,
                description=text,
                status=LogEntry.Status.SUBMITTED if waiting else LogEntry.Status.APPROVED,
                submitted_at=submitted,
                decided_at=None if waiting else decided,
                decided_by_id=None if waiting else decided_by_id,
            )
        )
    # Short of the hours (few working days, short days drawn): longer days, up to 12 h.
    for entry in entries:
        if total >= hours_needed:
            break
        more = min(MAX_DAY - int(entry.hours), math.ceil(hours_needed - total))
        entry.hours += more
        total += more
    return entries


def _instructor_users(placements) -> dict[int, int | None]:
    """The linked account of each placement's instructor (PeriodInstructor id → user id)."""
    from ctxh.practicum.models import PeriodInstructor

    ids = {p.instructor_id for p in placements if p.instructor_id}
    return dict(
        PeriodInstructor.objects.filter(pk__in=ids).values_list("pk", "instructor__user_id")
    )


def load_outcomes(
    *,
    rng: random.Random,
    period: PlacementPeriod,
    rubrics: dict,
    full: bool = False,
    quality: dict[int, float] | None = None,
) -> dict[str, int]:
    """Take ``period``'s accepted placements through the practice (see the module)."""
    placements = list(
        Placement.objects.filter(period=period, status=P.ACCEPTED).select_related("student__round")
    )
    quality = quality if quality is not None else {}
    pace = defaultdict(lambda: rng.choice((0.5, 1, 1.5, 2, 3, 4, 6)))
    users = _instructor_users(placements)
    entries, evaluations, grades, agreements, sessions = [], [], [], [], []
    for p in placements:
        rnd = p.student.round
        p.started_at = _at(rnd.starts_on, 8)
        interrupted = rng.random() < 0.06
        length = (rnd.ends_on - rnd.starts_on).days
        if interrupted:
            stop = rnd.starts_on + dt.timedelta(days=rng.randint(10, max(11, length // 2)))
            p.status, p.interrupted_at = P.INTERRUPTED, _at(stop, 15)
            p.interrupt_reason = rng.choice(INTERRUPT_REASONS)
            end, needed = stop, rnd.required_hours * rng.uniform(0.15, 0.45)
        else:
            p.status = P.COMPLETED
            p.completed_at = _at(rnd.ends_on + dt.timedelta(days=rng.randint(1, 6)), 10)
            end, needed = rnd.ends_on, rnd.required_hours + rng.choice((0, 0, 4, 8))
        entries += logbook(
            rng,
            p,
            hours_needed=needed,
            start=rnd.starts_on,
            end=end,
            pace_days=pace[p.instructor_id],
            decided_before=None,
            decided_by_id=users.get(p.instructor_id),
            long_days=not full,
        )
        rubric, competencies = rubrics[p.school_id]
        site = quality.setdefault(p.facility_id, rng.uniform(2.8, 4.6))
        if full:
            agreements.append(_agreement(p, users.get(p.instructor_id)))
            for week in (2, 6, 10)[: 1 if interrupted else 3]:
                sessions.append(
                    SupervisionSession(
                        placement=p,
                        instructor_id=p.instructor_id,
                        kind=SupervisionSession.Kind.SUPERVISION,
                        date=rnd.starts_on + dt.timedelta(weeks=week, days=2),
                        duration_minutes=rng.choice((45, 60, 90)),
                        topics=rng.choice(TOPICS),
                        notes="Sinh viên tiến bộ; tiếp tục theo dõi kế hoạch can thiệp.",
                        recorded_by_id=users.get(p.instructor_id),
                    )
                )
        if interrupted:
            continue
        ability = rng.uniform(2.6, 5)
        kinds = [Evaluation.Kind.INSTRUCTOR_FINAL]
        if full and rubric.midterm:
            kinds.append(Evaluation.Kind.INSTRUCTOR_MIDTERM)
        for kind in kinds:
            scores = {
                str(c.pk): max(1, min(5, round(ability + rng.uniform(-0.7, 0.7))))
                for c in competencies
            }
            score = sum(Decimal(scores[str(c.pk)]) * c.weight for c in competencies) / 100
            when = (
                p.completed_at
                if kind == Evaluation.Kind.INSTRUCTOR_FINAL
                else p.started_at + dt.timedelta(weeks=7)
            )
            evaluations.append(
                Evaluation(
                    placement=p,
                    kind=kind,
                    rubric=rubric,
                    scores=scores,
                    score=score.quantize(Decimal("0.01")),
                    submitted_at=when,
                    submitted_by_id=users.get(p.instructor_id),
                )
            )
        grade = Decimal(min(10, max(2, ability * 2 + rng.uniform(-0.8, 0.6)))).quantize(
            Decimal("0.1")
        )
        grades.append(
            Grade(
                placement=p,
                rubric=rubric,
                value=grade,
                recorded_at=p.completed_at + dt.timedelta(days=5),
            )
        )
        if rng.random() < 0.85:
            for kind, base, comments in (
                (Evaluation.Kind.STUDENT_SITE, site, SITE_COMMENTS),
                (Evaluation.Kind.STUDENT_INSTRUCTOR, site + 0.3, INSTRUCTOR_COMMENTS),
            ):
                evaluations.append(
                    Evaluation(
                        placement=p,
                        kind=kind,
                        rubric=rubric,
                        rating=max(1, min(5, round(rng.gauss(base, 0.8)))),
                        comment=rng.choice(comments) if rng.random() < 0.35 else "",
                        submitted_at=p.completed_at - dt.timedelta(days=1),
                        submitted_by_id=p.student.user_id,
                    )
                )
    _save_outcomes(placements)
    LogEntry.objects.bulk_create(entries, batch_size=2000)
    Evaluation.objects.bulk_create(evaluations, batch_size=1000)
    Grade.objects.bulk_create(grades, batch_size=1000)
    if agreements:
        LearningAgreement.objects.bulk_create(agreements, batch_size=1000)
        AgreementGoal.objects.bulk_create(
            (
                AgreementGoal(
                    agreement=a,
                    version=1,
                    position=i,
                    competency=name,
                    goal="Vận dụng được " + name.lower() + " trong ca thực tế.",
                    activities="Quan sát, thực hành có kiểm huấn, tự đánh giá hằng tuần.",
                    timeframe=f"Tuần {1 + 3 * i}–{3 + 3 * i}",
                )
                for a in agreements
                for i, (name, _w) in enumerate(COMPETENCIES[:2])
            ),
            batch_size=2000,
        )
    SupervisionSession.objects.bulk_create(sessions, batch_size=1000)
    counts = Counter(p.status for p in placements)
    return {
        "completed": counts[P.COMPLETED],
        "interrupted": counts[P.INTERRUPTED],
        "log_entries": len(entries),
        "evaluations": len(evaluations),
        "grades": len(grades),
        "agreements": len(agreements),
        "sessions": len(sessions),
    }


def _save_outcomes(placements: list[Placement]) -> None:
    """One UPDATE per distinct outcome (a few dozen), not a bulk_update's CASE per row."""
    fields = ("status", "started_at", "completed_at", "interrupted_at", "interrupt_reason")
    groups = defaultdict(list)
    for p in placements:
        groups[tuple(getattr(p, f) for f in fields)].append(p.pk)
    for values, ids in groups.items():
        Placement.objects.filter(pk__in=ids).update(**dict(zip(fields, values)))


def _agreement(p: Placement, instructor_user) -> LearningAgreement:
    proposed = p.started_at + dt.timedelta(days=4)
    return LearningAgreement(
        placement=p,
        status=LearningAgreement.Status.AGREED,
        proposed_at=proposed,
        instructor_approved_at=proposed + dt.timedelta(days=1),
        instructor_approved_by_id=instructor_user,
        coordinator_approved_at=proposed + dt.timedelta(days=2),
        agreed_at=proposed + dt.timedelta(days=2),
    )


def issue_letters(period: PlacementPeriod, *, usernames, extra: int) -> int:
    """Completion letters through the documents service: the demo accounts' students'
    completed placements in ``period`` and ``extra`` more (the first facility's)."""
    from ctxh.practicum.services.completion import issue_completion_letter

    completed = Placement.objects.filter(period=period, status=P.COMPLETED).select_related(
        "student", "facility", "school", "period", "offer", "student__round"
    )
    chosen = list(completed.filter(student__user__username__in=usernames))
    if extra:
        first = completed.exclude(pk__in=[p.pk for p in chosen]).order_by("facility__code", "pk")
        chosen += list(first[:extra])
    for placement in chosen:
        issue_completion_letter(placement=placement, by=SYSTEM)
    return len(chosen)


def decline_reason(rng: random.Random) -> str:
    return rng.choice(DECLINE_REASONS)
