"""The events' demo data: the Social Work Days 2024–2026 (the 8th Vietnam Social Work Day
in 2024) and the next year's proposed; the national workshop "Chuyên nghiệp hóa dịch vụ
Công tác xã hội" (2024) with its presentations; a network conference and an international
workshop (2025); one upcoming public workshop open for registration with registrations
(staff and visitors, a waiting list); past events with their attendance and the national
workshop's participation certificates.

Past events are written in bulk (their workflow happened before the platform) with ONE
summary audit event; the upcoming event goes through the registration service. Written
once: a database that already has events is left as it is.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from ctxh.cooperation.models import Event, Presentation, Registration
from ctxh.cooperation.services import event_certificates, registration
from ctxh.cooperation.services.events import propose_social_work_days
from ctxh.core import audit
from ctxh.core.scoping import SYSTEM
from ctxh.organizations.models import Organization
from ctxh.workforce.models import Person

NATIONAL_WORKSHOP = "Chuyên nghiệp hóa dịch vụ Công tác xã hội"

PRESENTATIONS = [
    (
        "Chuẩn hóa quy trình quản lý trường hợp tại các cơ sở trợ giúp xã hội",
        "ThS. Nguyễn Thị Thu Hà (Cơ quan thường trực)",
        "Tham luận trình bày kết quả rà soát quy trình quản lý trường hợp tại các cơ sở "
        "trợ giúp xã hội công lập và ngoài công lập, đề xuất bộ biểu mẫu thống nhất.",
    ),
    (
        "Đào tạo thực hành công tác xã hội: kinh nghiệm phối hợp trường – cơ sở",
        "TS. Hoàng Thị Mai (Trường Đại học Lao động - Xã hội, Cơ sở II)",
        "Chia sẻ kinh nghiệm tiếp nhận sinh viên thực hành, vai trò kiểm huấn viên tại cơ sở "
        "và quy trình tiếp nhận sinh viên được các bên thống nhất.",
    ),
    (
        "Phát triển đội ngũ cộng tác viên công tác xã hội cấp phường, xã",
        "ThS. Ngô Văn Phúc (Trường Đại học Khoa học Xã hội và Nhân văn)",
        "Phân tích thực trạng đội ngũ cộng tác viên sau sắp xếp chính quyền hai cấp và đề "
        "xuất chương trình bồi dưỡng theo năng lực.",
    ),
    (
        "Mô hình tham vấn tâm lý cho trẻ em tại trung tâm bảo trợ",
        "CTV. Đặng Thị Lan (Trung tâm Bảo trợ)",
        "Giới thiệu mô hình tham vấn nhóm và cá nhân cho trẻ em có hoàn cảnh đặc biệt, các "
        "chỉ số theo dõi và kết quả sau một năm áp dụng.",
    ),
]


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def load_events() -> dict[str, int] | None:
    """Load the events' demo data; None when the database already has events."""
    if Event.objects.exists():
        return None
    orgs = Organization.objects.in_bulk(
        ["SYT-HCM", "DHLDXH-CS2", "DHKHXHNV-HCM", "HCTXH", "DHTDT", "HVPNVN-HCM"],
        field_name="code",
    )
    agency = orgs.get("SYT-HCM") or Organization.objects.filter(kind="agency").first()
    today = timezone.localdate()
    now = timezone.now()
    for year in (2024, 2025, 2026, today.year + 1):
        propose_social_work_days(year=year, by=SYSTEM, organizer=agency)
    # The Social Work Days already past were held and closed, shown on the portal.
    Event.objects.filter(ends_at__lt=now).update(status=Event.Status.CLOSED, public=True)
    Event.objects.filter(ends_at__gte=now).update(public=True)

    def past(title, kind, level, lead, day, *, co=(), venue, agenda):
        event = Event.objects.create(
            kind=kind,
            level=level,
            title=title,
            lead_organizer=orgs.get(lead, agency),
            starts_at=_at(day, 8),
            ends_at=_at(day, 16, 30),
            venue=venue,
            agenda=agenda,
            registration_mode=Event.Mode.INVITED,
            status=Event.Status.CLOSED,
            public=True,
        )
        event.organizers.set([orgs[c] for c in co if c in orgs])
        return event

    workshop = past(
        NATIONAL_WORKSHOP,
        Event.Kind.WORKSHOP,
        Event.Level.NATIONAL,
        "SYT-HCM",
        dt.date(2024, 10, 18),
        co=("DHLDXH-CS2", "DHKHXHNV-HCM"),
        venue="Hội trường Trường Đại học Lao động - Xã hội (Cơ sở II)",
        agenda=(
            "08:00 – 08:30 Đón tiếp đại biểu\n"
            "08:30 – 09:00 Khai mạc, phát biểu đề dẫn\n"
            "09:00 – 11:30 Phiên 1: Chuẩn hóa dịch vụ và quy trình\n"
            "13:30 – 16:00 Phiên 2: Đào tạo và phát triển đội ngũ\n"
            "16:00 – 16:30 Tổng kết, bế mạc"
        ),
    )
    conference = past(
        "Hội nghị mạng lưới cơ sở thực hành Công tác xã hội năm 2025",
        Event.Kind.CONFERENCE,
        Event.Level.CITY,
        "DHLDXH-CS2",
        dt.date(2025, 5, 22),
        co=("DHKHXHNV-HCM", "DHTDT"),
        venue="Trường Đại học Lao động - Xã hội (Cơ sở II)",
        agenda="08:00 Khai mạc\n08:30 Báo cáo kết quả tiếp nhận sinh viên\n10:00 Thảo luận",
    )
    international = past(
        "Hội thảo quốc tế: Công tác xã hội với trẻ em và gia đình",
        Event.Kind.WORKSHOP,
        Event.Level.INTERNATIONAL,
        "DHKHXHNV-HCM",
        dt.date(2025, 11, 14),
        co=("HVPNVN-HCM",),
        venue="Trường Đại học Khoa học Xã hội và Nhân văn",
        agenda="08:00 Khai mạc\n08:30 Phiên toàn thể\n13:30 Các tiểu ban",
    )
    for i, (title, authors, abstract) in enumerate(PRESENTATIONS, start=1):
        Presentation.objects.create(
            event=workshop, title=title, authors=authors, abstract=abstract, order=i
        )
    Presentation.objects.create(
        event=international,
        title="Can thiệp sớm cho trẻ em khuyết tật dựa vào cộng đồng",
        authors="TS. Trương Văn Sơn",
        abstract="Tổng quan các mô hình can thiệp sớm và bài học cho Thành phố.",
        order=1,
    )
    people = list(Person.objects.select_related("current_organization").order_by("pk")[:400])
    rows = []
    for event, offset, count in (
        (workshop, 0, 120),
        (conference, 120, 80),
        (international, 200, 60),
    ):
        for i, person in enumerate(people[offset : offset + count]):
            attended = i % 10 != 0  # one in ten registered but did not come
            rows.append(
                Registration(
                    event=event,
                    person=person,
                    full_name=person.full_name,
                    email=person.email,
                    organization=person.current_organization,
                    status=Registration.Status.ATTENDED
                    if attended
                    else Registration.Status.REGISTERED,
                    checked_in_at=event.starts_at + dt.timedelta(minutes=i % 40)
                    if attended
                    else None,
                )
            )
    Registration.objects.bulk_create(rows, batch_size=500)
    # The national workshop's participation certificates, in the agency's register.
    Event.objects.filter(pk=workshop.pk).update(status=Event.Status.HELD)
    workshop.refresh_from_db()
    certificates = event_certificates.certificates_issue_all(event=workshop, by=SYSTEM)
    Event.objects.filter(pk=workshop.pk).update(status=Event.Status.CLOSED)

    # The upcoming public workshop, open to everyone: registrations through the service.
    start = today + dt.timedelta(days=30)
    upcoming = Event.objects.create(
        kind=Event.Kind.WORKSHOP,
        level=Event.Level.CITY,
        title="Hội thảo: Công tác xã hội trong chăm sóc người cao tuổi tại cộng đồng",
        lead_organizer=orgs.get("HCTXH", agency),
        starts_at=_at(start, 8),
        ends_at=_at(start, 11, 30),
        venue="Hội Công tác xã hội Thành phố, Quận 3 cũ",
        online_link="https://meet.example.org/ctxh-nguoi-cao-tuoi",
        agenda="08:00 Đón tiếp\n08:30 Khai mạc\n09:00 Tham luận\n10:30 Thảo luận",
        registration_mode=Event.Mode.OPEN,
        registration_deadline=_at(start - dt.timedelta(days=2), 17),
        capacity=40,
        public=True,
        status=Event.Status.OPEN,
    )
    upcoming.organizers.set([orgs[c] for c in ("DHTDT",) if c in orgs])
    for person in people[260:300]:
        registration.register(event=upcoming, by=SYSTEM, person=person)
    for n, name in enumerate(("Lý Thị Thu", "Phan Văn Tài", "Đỗ Thị Mỹ"), start=1):
        registration.register_visitor(
            event=upcoming,
            full_name=name,
            email=f"khach{n}@demo.ctxh.vn",
            organization_name="Câu lạc bộ Người cao tuổi phường",
        )
    counts = {
        "events": Event.objects.count(),
        "registrations": Registration.objects.count(),
        "presentations": Presentation.objects.count(),
        "certificates": len(certificates),
    }
    audit.record(
        actor=SYSTEM,
        action="event.demo",
        object_type="cooperation.event",
        object_repr="Dữ liệu sự kiện mẫu (demo)",
        new=counts,
    )
    return counts
