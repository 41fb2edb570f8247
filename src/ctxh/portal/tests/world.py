"""A small public world for the portal's tests: what may be shown, and next to it the
personal data that must never be (a staff member's ID number and phone, a facility head's
name, registrants' names)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

#: Personal data present in the database that no portal page may show.
STAFF_NAME = "Lương Thị Bí Mật"
STAFF_PHONE = "0912345678"
HEAD_NAME = "Giám đốc Trịnh Văn Kín"
REGISTRANT = "Hồ Thị Đăng Ký"
REGISTRANT_EMAIL = "dangky.rieng@example.org"


class PublicWorld:
    """Two facilities providing social-work services (one in each of two wards, one
    without coordinates), one that does not, an inactive one; an open public event (two
    seats, one taken), a public event whose registration closed, a non-public event; a
    published and an unpublished practice and research project."""

    def __init__(self, wards):
        from ctxh.cooperation.models import Event, GoodPractice, Registration, ResearchProject
        from ctxh.organizations.models import ServiceType, TargetGroup
        from ctxh.organizations.tests.factories import FacilityFactory, OrganizationFactory
        from ctxh.workforce.tests.factories import PersonFactory, employ

        now = timezone.now()
        self.school = OrganizationFactory(code="DH-THU", kind="school", name="Trường Đại học Thử")
        self.tam_binh = FacilityFactory(
            code="TTBT-TB",
            name="Trung tâm Bảo trợ Trẻ em Tam Bình",
            ward=wards[0],
            address="1 Đường Tam Bình",
            phone="02837261234",
            email="tambinh@example.gov.vn",
            head_name=HEAD_NAME,
        )
        self.nhi_xuan = FacilityFactory(
            code="CSXH-NX", name="Cơ sở Xã hội Nhị Xuân", ward=wards[1], address="Ấp 5"
        )
        self.no_service = FacilityFactory(code="MA-KHONG", name="Mái ấm Không Dịch Vụ")
        self.closed = FacilityFactory(code="TT-DONG", name="Trung tâm Đã Đóng", active=False)
        children = TargetGroup.objects.get(code="children")
        elderly = TargetGroup.objects.get(code="elderly")
        counselling = ServiceType.objects.get(code="counselling")
        care = ServiceType.objects.get(code="care")
        for org, lat, groups, services in (
            (self.tam_binh, Decimal("10.860000"), [children], [counselling, care]),
            (self.nhi_xuan, None, [elderly], [care]),
            (self.closed, Decimal("10.800000"), [children], [care]),
        ):
            profile = org.facility
            profile.provides_social_work_services = True
            profile.latitude = lat
            profile.longitude = Decimal("106.740000") if lat is not None else None
            profile.save()
            profile.target_groups.set(groups)
            profile.services.set(services)
        staff = PersonFactory(full_name=STAFF_NAME, phone=STAFF_PHONE)
        employ(staff, self.tam_binh)
        self.staff = staff

        self.event = Event.objects.create(
            kind=Event.Kind.WORKSHOP,
            title="Hội thảo Chuyên nghiệp hóa dịch vụ CTXH",
            lead_organizer=self.school,
            agenda="08:00 Khai mạc\n09:00 Tham luận",
            venue="Hội trường A",
            starts_at=now + dt.timedelta(days=10),
            ends_at=now + dt.timedelta(days=10, hours=4),
            capacity=2,
            public=True,
            status=Event.Status.OPEN,
        )
        Registration.objects.create(event=self.event, full_name=REGISTRANT, email=REGISTRANT_EMAIL)
        self.closed_event = Event.objects.create(
            kind=Event.Kind.CONFERENCE,
            title="Hội nghị đã hết hạn đăng ký",
            lead_organizer=self.school,
            starts_at=now + dt.timedelta(days=3),
            ends_at=now + dt.timedelta(days=3, hours=4),
            registration_deadline=now - dt.timedelta(hours=1),
            public=True,
            status=Event.Status.OPEN,
        )
        self.private_event = Event.objects.create(
            kind=Event.Kind.WORKSHOP,
            title="Họp nội bộ không công khai",
            lead_organizer=self.school,
            starts_at=now + dt.timedelta(days=5),
            ends_at=now + dt.timedelta(days=5, hours=2),
            status=Event.Status.OPEN,
        )
        self.practice = GoodPractice.objects.create(
            title="Nhóm đồng đẳng cho trẻ",
            organization=self.tam_binh,
            problem="Trẻ mới vào trung tâm khó hòa nhập.",
            where_applied="Tam Bình",
            results="Trẻ hòa nhập nhanh hơn.",
            contact_role="Phòng Công tác xã hội",
            published=True,
        )
        self.practice.applied_at.add(self.nhi_xuan)
        self.hidden_practice = GoodPractice.objects.create(
            title="Mô hình chưa công bố",
            organization=self.tam_binh,
            problem="Nháp.",
            contact_role="Ban Giám đốc",
        )
        self.research = ResearchProject.objects.create(
            title="Nhu cầu dịch vụ CTXH của người cao tuổi",
            level="city",
            lead=self.school,
            starts_on=dt.date(2024, 1, 1),
            results="Khảo sát 400 người cao tuổi.",
            published=True,
        )
        self.hidden_research = ResearchProject.objects.create(
            title="Đề tài chưa công bố",
            level="national",
            lead=self.school,
            starts_on=dt.date(2025, 1, 1),
        )
