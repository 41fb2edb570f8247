"""The cooperation's part of the permission world (``ctxh.testing.PermissionWorld``).

Agreements, plans, research (this block): ``agreement`` (in force, the agency with the
base ``school`` and ``school_b``), its plan of this year ``plan`` with ``task_a`` (school
A's, coordinator's) and ``task_b`` (school B's); ``research_a`` led by school A (results
written, not published), ``research_b`` led by school B; ``good_practice_a`` shared by facility
A, ``practice_b`` by facility B; ``award_a`` (person A); ``attachment_a`` (a PDF of
evidence on task A) and ``person_file_a`` (a PDF attached to person A: a record only its
organisation sees, to prove the file view asks the owner's scope).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def add_cooperation(world) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from ctxh.cooperation.models import (
        ActionPlan,
        Agreement,
        Award,
        GoodPractice,
        ResearchProject,
        Task,
    )
    from ctxh.cooperation.services.uploads import attachment_add
    from ctxh.core.scoping import SYSTEM

    w = world
    year = timezone.localdate().year
    # --- agreements, plans, research ---
    w.agreement = Agreement.objects.create(
        title="Thỏa thuận hợp tác phát triển CTXH (thử)",
        number="01/TTHT-THU",
        agency=w.agency,
        signed_on=dt.date(year - 2, 3, 1),
        starts_on=dt.date(year - 2, 3, 1),
        ends_on=dt.date(year + 5, 12, 31),
        areas=["training", "practice_network"],
        status=Agreement.Status.IN_FORCE,
    )
    w.agreement.partners.set([w.school, w.school_b])
    w.plan = ActionPlan.objects.create(agreement=w.agreement, year=year)
    w.task_a = Task.objects.create(
        plan=w.plan,
        title="Tập huấn kỹ năng cho nhân viên CTXH",
        area="training",
        owner=w.school,
        deadline=dt.date(year, 12, 31),
        expected_product="Lớp tập huấn 50 người",
    )
    w.task_b = Task.objects.create(
        plan=w.plan,
        title="Quy trình giới thiệu sinh viên",
        area="practice_network",
        owner=w.school_b,
        deadline=dt.date(year, 12, 31),
        expected_product="Quy trình được ký",
    )
    w.research_a = ResearchProject.objects.create(
        title="Nhu cầu dịch vụ CTXH của người cao tuổi",
        level="city",
        lead=w.school,
        starts_on=dt.date(year - 1, 1, 1),
        results="Khảo sát 400 người cao tuổi.",
    )
    w.research_b = ResearchProject.objects.create(
        title="Mô hình kiểm huấn viên",
        level="national",
        lead=w.school_b,
        starts_on=dt.date(year, 1, 1),
    )
    w.good_practice_a = GoodPractice.objects.create(
        title="Nhóm đồng đẳng cho trẻ",
        organization=w.facility_a,
        problem="Trẻ mới vào trung tâm khó hòa nhập.",
        where_applied="Cơ sở A",
        results="Trẻ hòa nhập nhanh hơn.",
        contact_role="Phòng Công tác xã hội",
    )
    w.practice_b = GoodPractice.objects.create(
        title="Sổ tay chăm sóc người cao tuổi",
        organization=w.facility_b,
        problem="Thiếu hướng dẫn.",
        where_applied="Cơ sở B",
        results="Dùng ở 3 khoa.",
        contact_role="Ban Giám đốc",
    )
    w.award_a = Award.objects.create(
        kind="commendation",
        title="Bằng khen vì thành tích CTXH",
        person=w.person_a,
        organization=w.facility_a,
        decision_number="123/QĐ-UBND",
        decision_date=dt.date(year - 1, 3, 25),
        issuer="UBND Thành phố",
    )
    w.attachment_a = attachment_add(
        owner=w.task_a,
        file=SimpleUploadedFile("minh-chung.pdf", PDF),
        by=SYSTEM,
        purpose="evidence",
    )
    w.person_file_a = attachment_add(
        owner=w.person_a, file=SimpleUploadedFile("ho-so.pdf", PDF), by=SYSTEM, action="view"
    )
