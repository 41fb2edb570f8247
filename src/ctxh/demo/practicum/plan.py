"""What the practicum demo is made of: the schools' rounds, the two periods' dates, the
facilities' reasons for declining. Plain data, no database."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

CASEWORK, GROUP, COMMUNITY, GRADUATION = "casework", "group_work", "community", "graduation"
U2, U3, U4, MASTER = "university_2", "university_3", "university_4", "master"

#: Practice type, level → required hours.
HOURS = {
    (CASEWORK, U2): 120,
    (CASEWORK, U3): 180,
    (GROUP, U3): 180,
    (COMMUNITY, U3): 180,
    (COMMUNITY, U4): 200,
    (GRADUATION, U4): 400,
    (CASEWORK, MASTER): 240,
    (GROUP, MASTER): 240,
}
ROUND_NAMES = {
    (CASEWORK, U2): "Thực hành Công tác xã hội cá nhân (năm 2)",
    (CASEWORK, U3): "Thực hành Công tác xã hội cá nhân (năm 3)",
    (GROUP, U3): "Thực hành Công tác xã hội nhóm (năm 3)",
    (COMMUNITY, U3): "Thực hành Phát triển cộng đồng (năm 3)",
    (COMMUNITY, U4): "Thực hành Phát triển cộng đồng (năm 4)",
    (GRADUATION, U4): "Thực tập tốt nghiệp (năm 4)",
    (CASEWORK, MASTER): "Thực hành chuyên sâu — Thạc sĩ Công tác xã hội",
    (GROUP, MASTER): "Thực hành Công tác xã hội nhóm — Thạc sĩ",
}

#: The schools in the order of the demo accounts (school1's first, school2's second), each
#: with its student-code prefix and its rounds in the current period: (type, level, students).
SCHOOLS: tuple[tuple[str, str, tuple[tuple[str, str, int], ...]], ...] = (
    ("DHLDXH-CS2", "LDS", ((GROUP, U3, 90), (GRADUATION, U4, 60))),
    ("DHKHXHNV-HCM", "NVH", ((GROUP, U3, 70), (GRADUATION, U4, 55), (CASEWORK, MASTER, 20))),
    ("DHSP-HCM", "SPH", ((COMMUNITY, U3, 80), (GRADUATION, U4, 70))),
    ("DHTDT", "TDT", ((GROUP, U3, 85), (GRADUATION, U4, 65))),
    ("DHMO-HCM", "OUH", ((CASEWORK, U2, 60), (GROUP, U3, 50), (GRADUATION, U4, 45))),
    ("HVCB-HCM", "HCB", ((COMMUNITY, U3, 90), (GRADUATION, U4, 60))),
    ("HVPNVN-HCM", "HPN", ((CASEWORK, U2, 70), (COMMUNITY, U3, 80))),
)

#: The round a student of the current period took in the previous semester (same school);
#: year-2 students had none.
PREVIOUS = {
    (GROUP, U3): (CASEWORK, U3),
    (COMMUNITY, U3): (CASEWORK, U3),
    (GRADUATION, U4): (COMMUNITY, U4),
    (CASEWORK, MASTER): (GROUP, MASTER),
}

#: Seats offered in each period, against about 1.050 and 920 students.
SEATS_CURRENT = 1200
SEATS_FINISHED = 1010
MAX_CHOICES = 5
NO_PREFERENCES_SHARE = 0.10
DRAFT_OFFERS = 3

#: The demo student accounts: username → (school code, gender).
STUDENT_ACCOUNTS = {
    "student1": ("DHLDXH-CS2", "male"),
    "student2": ("DHLDXH-CS2", "female"),
    "student3": ("DHKHXHNV-HCM", "male"),
}
#: The demo accounts of the network: facility code → (manager, field-instructor e-mail).
FACILITY_ACCOUNTS = {
    "CS-001": ("facility1", "instructor1@demo.ctxh.vn"),
    "CS-030": ("facility2", "instructor2@demo.ctxh.vn"),
}

DECLINE_REASONS = (
    "Cơ sở đang sửa chữa khu nhà ở, tạm giảm số sinh viên tiếp nhận trong đợt này.",
    "Kiểm huấn viên được cử đi tập huấn dài ngày, không đủ người hướng dẫn.",
    "Lịch học của sinh viên không khớp với ca làm việc buổi sáng của cơ sở.",
    "Nơi ở của sinh viên quá xa cơ sở; đề nghị phân về cơ sở gần hơn.",
    "Cơ sở đang trong đợt kiểm tra chuyên môn, chưa thể bố trí hướng dẫn sinh viên.",
)
OFFER_NOTES = (
    "Sinh viên có mặt từ thứ Hai đến thứ Sáu, 7g30–16g30; mang theo thẻ sinh viên.",
    "Ưu tiên sinh viên đã học học phần Tham vấn; có buổi sinh hoạt nhóm chiều thứ Năm.",
    "Cơ sở bố trí chỗ ăn trưa; sinh viên tự túc phương tiện đi lại.",
    "",
    "",
)


@dataclass(frozen=True)
class PeriodDates:
    name: str
    starts_on: dt.date
    ends_on: dt.date
    preference_deadline: dt.datetime
    acceptance_deadline: dt.datetime
    #: When the main allocation was committed and the second one (finished period only).
    committed_at: dt.datetime | None = None
    second_committed_at: dt.datetime | None = None


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _period_name(starts: dt.date, ends: dt.date) -> str:
    return f"Kỳ thực tập {starts:%m/%Y} – {ends:%m/%Y}"


def current_dates(today: dt.date) -> PeriodDates:
    """The period at the preference stage: preferences close in five days."""
    starts = today + dt.timedelta(days=21)
    return PeriodDates(
        name=_period_name(starts, starts + dt.timedelta(weeks=15)),
        starts_on=starts,
        ends_on=starts + dt.timedelta(weeks=15),
        preference_deadline=_at(today + dt.timedelta(days=5), 17),
        acceptance_deadline=_at(today + dt.timedelta(days=16), 17),
    )


def finished_dates(today: dt.date) -> PeriodDates:
    """The previous semester's period, closed two weeks ago."""
    ends = today - dt.timedelta(days=14)
    starts = ends - dt.timedelta(weeks=15)
    committed = _at(starts - dt.timedelta(days=32), 9)
    second = committed + dt.timedelta(days=12)
    return PeriodDates(
        name=_period_name(starts, ends),
        starts_on=starts,
        ends_on=ends,
        preference_deadline=_at(starts - dt.timedelta(days=36), 17),
        acceptance_deadline=second + dt.timedelta(days=8),
        committed_at=committed,
        second_committed_at=second,
    )
