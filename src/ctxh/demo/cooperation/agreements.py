# ruff: noqa: E501 — the demo's Vietnamese texts are data
"""The cooperation's agreements, plans, research, good practices and awards (demo).

* **7 partner agreements** signed in 2023 by the standing agency with the 7 universities and
  academies of the articles, in force to 2030, covering the five areas of work, each with
  its signed file (a small PDF).
* Their **2024 and 2025 plans** (and this year's when the demo runs later): the first
  year's achievements the articles list, as done tasks — the 8th Vietnam Social Work Day
  (25/3/2024), the national workshop "Chuyên nghiệp hóa dịch vụ Công tác xã hội", training
  for 500 staff (delivered by the 2024 cooperation classes of the training demo), the
  student-reception procedure — and later work, some of it late.
* **A dozen research projects** (city and national level, several published) and **a dozen
  good practices** (most published, applied at other facilities), and **a few awards**.

Deterministic, bulk inserts, ONE summary audit event. Written once: a database that
already has agreements is left as it is.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from ctxh.cooperation.models import (
    ActionPlan,
    Agreement,
    AreaOfWork,
    Award,
    GoodPractice,
    ResearchProject,
    Task,
)
from ctxh.cooperation.services.uploads import attachment_add
from ctxh.core import audit
from ctxh.core.scoping import SYSTEM
from ctxh.organizations.models import FACILITY_KINDS, Organization
from ctxh.training.models import TrainingClass
from ctxh.workforce.models import Person

AGENCY = "SYT-HCM"
SIGNED = dt.date(2023, 9, 15)
SCHOOL_ORDER = [
    "DHLDXH-CS2",
    "DHSP-HCM",
    "DHKHXHNV-HCM",
    "DHTDT",
    "DHMO-HCM",
    "HVCB-HCM",
    "HVPNVN-HCM",
]
WORKSHOP_HOST = "DHLDXH-CS2"
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
A = AreaOfWork

RESEARCH = [
    # title, level, status, start year, published
    (
        "Thực trạng và nhu cầu dịch vụ công tác xã hội của người cao tuổi tại các cơ sở trợ giúp xã hội",
        "city",
        "completed",
        2023,
        True,
    ),
    (
        "Mô hình kiểm huấn viên trong thực hành công tác xã hội chuyên nghiệp",
        "city",
        "completed",
        2024,
        True,
    ),
    (
        "Chuyên nghiệp hóa dịch vụ công tác xã hội tại Thành phố Hồ Chí Minh",
        "national",
        "completed",
        2024,
        True,
    ),
    (
        "Đánh giá năng lực đội ngũ nhân viên công tác xã hội cấp phường, xã",
        "city",
        "ongoing",
        2025,
        False,
    ),
    (
        "Công tác xã hội trong hỗ trợ người sau cai nghiện ma túy tái hòa nhập cộng đồng",
        "national",
        "ongoing",
        2025,
        False,
    ),
    ("Quản lý trường hợp đối với trẻ em có hoàn cảnh đặc biệt", "city", "completed", 2023, True),
    ("Nhu cầu tham vấn tâm lý của gia đình có hoàn cảnh đặc biệt", "city", "ongoing", 2025, False),
    ("Chuẩn năng lực nghề nghiệp nhân viên công tác xã hội", "national", "proposed", 2026, False),
    (
        "Hiệu quả các lớp tập huấn bồi dưỡng công tác xã hội giai đoạn 2010–2020",
        "city",
        "completed",
        2024,
        True,
    ),
    ("Công tác xã hội trong bệnh viện: thực trạng và giải pháp", "city", "ongoing", 2026, False),
    (
        "Mạng lưới cơ sở thực hành công tác xã hội: mô hình phối hợp trường – cơ sở",
        "city",
        "completed",
        2024,
        True,
    ),
    (
        "Hỗ trợ người khuyết tật tiếp cận việc làm qua dịch vụ công tác xã hội",
        "national",
        "cancelled",
        2024,
        False,
    ),
]
PRACTICES = [
    # title, field, problem, results
    (
        "Nhóm đồng đẳng cho trẻ mới vào trung tâm",
        "Trẻ em",
        "Trẻ mới vào trung tâm khó hòa nhập, hay bỏ trốn.",
        "Thời gian hòa nhập giảm từ 3 tháng còn 5 tuần.",
    ),
    (
        "Sổ tay chăm sóc người cao tuổi sa sút trí tuệ",
        "Người cao tuổi",
        "Nhân viên thiếu hướng dẫn chăm sóc thống nhất.",
        "Áp dụng tại 4 khoa, giảm té ngã 30%.",
    ),
    (
        "Quy trình tiếp nhận sinh viên thực tập năm bước",
        "Thực hành",
        "Sinh viên đến cơ sở không có người hướng dẫn rõ ràng.",
        "100% sinh viên có kiểm huấn viên từ ngày đầu.",
    ),
    (
        "Buổi kiểm huấn nhóm hằng tuần",
        "Thực hành",
        "Kiểm huấn viên quá tải khi hướng dẫn từng sinh viên.",
        "Mỗi kiểm huấn viên hướng dẫn được 6 sinh viên.",
    ),
    (
        "Hồ sơ quản lý trường hợp điện tử",
        "Quản lý ca",
        "Hồ sơ giấy thất lạc khi chuyển ca.",
        "Thời gian tra cứu hồ sơ giảm một nửa.",
    ),
    (
        "Câu lạc bộ cha mẹ trẻ khuyết tật",
        "Người khuyết tật",
        "Gia đình thiếu kỹ năng chăm sóc tại nhà.",
        "40 gia đình tham gia đều đặn.",
    ),
    (
        "Tư vấn hướng nghiệp cho học viên sau cai nghiện",
        "Cai nghiện",
        "Học viên tái nghiện do không có việc làm.",
        "60% học viên có việc làm sau 6 tháng.",
    ),
    (
        "Góc tham vấn tại nhà văn hóa phường",
        "Cộng đồng",
        "Người dân không biết tìm dịch vụ tham vấn ở đâu.",
        "120 lượt tham vấn trong năm đầu.",
    ),
    (
        "Bảng theo dõi nhu cầu đối tượng hằng quý",
        "Quản lý ca",
        "Kế hoạch can thiệp không cập nhật theo nhu cầu.",
        "Kế hoạch được rà soát đúng hạn 95%.",
    ),
    (
        "Chương trình tình nguyện viên sinh viên cuối tuần",
        "Thực hành",
        "Thiếu nhân lực cho hoạt động vui chơi cuối tuần.",
        "Mỗi tháng 30 sinh viên tham gia.",
    ),
    (
        "Liệu pháp âm nhạc cho người tâm thần",
        "Sức khỏe tâm thần",
        "Đối tượng ít tham gia sinh hoạt chung.",
        "Tỷ lệ tham gia sinh hoạt tăng gấp đôi.",
    ),
    (
        "Họp ca liên ngành hằng tháng",
        "Quản lý ca",
        "Thiếu phối hợp giữa y tế, giáo dục và công tác xã hội.",
        "Thời gian giải quyết ca phức tạp giảm 25%.",
    ),
]


def _school_plan(year: int, school: Organization, agency: Organization, host: bool, today: dt.date):
    """The tasks of one partner's plan of ``year``: (title, area, owner, deadline, product,
    status, result, with-agency)."""
    rows = []
    if year == 2024:
        rows += [
            (
                "Phối hợp tổ chức kỷ niệm Ngày Công tác xã hội Việt Nam lần thứ 8 năm 2024",
                A.SOCIAL_WORK_DAYS,
                school,
                dt.date(2024, 3, 25),
                "Chương trình kỷ niệm, 300 đại biểu",
                "done",
                "Đã phối hợp tổ chức lễ kỷ niệm ngày 25/3/2024 với sinh viên và giảng viên tham gia.",
            ),
            (
                "Tổ chức Hội thảo khoa học quốc gia “Chuyên nghiệp hóa dịch vụ Công tác xã hội”"
                if host
                else "Gửi tham luận Hội thảo khoa học quốc gia “Chuyên nghiệp hóa dịch vụ Công tác xã hội”",
                A.WORKSHOPS,
                school,
                dt.date(2024, 11, 30),
                "Kỷ yếu hội thảo" if host else "Tham luận",
                "done",
                "Hội thảo đã tổ chức, kỷ yếu phát hành."
                if host
                else "Đã gửi và trình bày tham luận.",
            ),
            (
                "Tập huấn bồi dưỡng nâng cao nghiệp vụ, kỹ năng công tác xã hội cho cán bộ, nhân viên và cộng tác viên",
                A.TRAINING,
                school,
                dt.date(2024, 12, 20),
                "Lớp tập huấn (toàn chương trình: 500 người)",
                "done",
                "Đã giảng dạy lớp tập huấn trong đợt bồi dưỡng 500 cán bộ, nhân viên và cộng tác viên.",
            ),
            (
                "Xây dựng quy trình giới thiệu sinh viên đến thực tập, thực hành tại các đơn vị do Sở quản lý",
                A.PRACTICE_NETWORK,
                agency,
                dt.date(2024, 12, 31),
                "Quy trình tiếp nhận sinh viên được ký kết",
                "done",
                "Quy trình tiếp nhận sinh viên thực tập, thực hành đã được ký kết tại hội nghị.",
            ),
        ]
    elif year == 2025:
        rows += [
            (
                "Phối hợp tổ chức kỷ niệm Ngày Công tác xã hội Việt Nam lần thứ 9 năm 2025",
                A.SOCIAL_WORK_DAYS,
                school,
                dt.date(2025, 3, 25),
                "Chương trình kỷ niệm",
                "done",
                "Đã phối hợp tổ chức.",
            ),
            (
                "Đề xuất đề tài nghiên cứu khoa học cấp Thành phố",
                A.RESEARCH,
                school,
                dt.date(2025, 6, 30),
                "Thuyết minh đề tài",
                "done",
                "Đã nộp thuyết minh đề tài.",
            ),
            (
                "Bồi dưỡng đội ngũ kiểm huấn viên cho các cơ sở thực hành",
                A.PRACTICE_NETWORK,
                school,
                dt.date(2025, 9, 30),
                "Lớp bồi dưỡng kiểm huấn viên",
                "in_progress" if host else "done",
                "" if host else "Đã bồi dưỡng kiểm huấn viên.",
            ),
            (
                "Chia sẻ mô hình, cách làm hay giữa các cơ sở trợ giúp xã hội",
                A.RESEARCH,
                school,
                dt.date(2025, 11, 30),
                "Tài liệu mô hình",
                "planned" if host else "done",
                "" if host else "Đã chia sẻ tài liệu mô hình.",
            ),
        ]
    else:
        rows += [
            (
                f"Phối hợp tổ chức kỷ niệm Ngày Công tác xã hội Việt Nam năm {year}",
                A.SOCIAL_WORK_DAYS,
                school,
                dt.date(year, 3, 25),
                "Chương trình kỷ niệm",
                "done",
                "Đã phối hợp tổ chức.",
            ),
            (
                "Tập huấn kỹ năng quản lý trường hợp cho nhân viên cơ sở",
                A.TRAINING,
                school,
                dt.date(year, 6, 30),
                "Lớp tập huấn 40 người",
                "done" if not host else "in_progress",
                "Đã tập huấn." if not host else "",
            ),
            (
                "Hội thảo chia sẻ kinh nghiệm thực hành công tác xã hội",
                A.WORKSHOPS,
                school,
                dt.date(year, 10, 31),
                "Kỷ yếu",
                "planned",
                "",
            ),
            (
                "Cập nhật mạng lưới cơ sở thực hành và kiểm huấn viên",
                A.PRACTICE_NETWORK,
                school,
                dt.date(year, 12, 31),
                "Danh sách cơ sở thực hành",
                "in_progress",
                "",
            ),
        ]
    return rows


@transaction.atomic
def load_agreements() -> dict[str, int] | None:
    """Load the agreements, plans, research, good practices and awards; None when the
    database already has agreements (or lacks the demo's agency and schools)."""
    if Agreement.objects.exists():
        return None
    orgs = Organization.objects.in_bulk([AGENCY, *SCHOOL_ORDER], field_name="code")
    agency = orgs.get(AGENCY)
    schools = [orgs[c] for c in SCHOOL_ORDER if c in orgs]
    if agency is None or not schools:
        return None
    today = timezone.localdate()
    agreements = Agreement.objects.bulk_create(
        Agreement(
            title=(
                "Thỏa thuận hợp tác về Chương trình phát triển công tác xã hội trên địa bàn "
                f"Thành phố giai đoạn đến năm 2030 — {school.short_name or school.name}"
            ),
            number=f"{i + 1:02d}/TTHT-SLĐTBXH",
            agency=agency,
            signed_on=SIGNED,
            starts_on=SIGNED,
            ends_on=dt.date(2030, 12, 31),
            areas=list(AreaOfWork.values),
            summary=(
                "Phối hợp tổ chức Ngày Công tác xã hội; hội thảo, hội nghị; đào tạo, bồi dưỡng; "
                "nghiên cứu, chia sẻ mô hình, cách làm hay; xây dựng mạng lưới cơ sở thực hành "
                "và quy trình giới thiệu sinh viên."
            ),
            status=Agreement.Status.IN_FORCE,
            search_text=f"{i + 1:02d}/tttht-sldtbxh thoa thuan hop tac",
        )
        for i, school in enumerate(schools)
    )
    Through = Agreement.partners.through
    Through.objects.bulk_create(
        Through(agreement_id=a.pk, organization_id=s.pk)
        for a, s in zip(agreements, schools, strict=True)
    )
    for agreement in agreements:
        signed = attachment_add(
            owner=agreement,
            file=SimpleUploadedFile("thoa-thuan-hop-tac.pdf", PDF),
            by=SYSTEM,
            purpose="signed",
        )
        Agreement.objects.filter(pk=agreement.pk).update(signed_file=signed)

    years = [2024, 2025, *range(2026, today.year + 1)]
    plans = ActionPlan.objects.bulk_create(
        ActionPlan(agreement=a, year=y) for a in agreements for y in years
    )
    by_school = dict(zip((a.pk for a in agreements), schools, strict=True))
    classes = list(TrainingClass.objects.filter(code__startswith="HT-2024-").order_by("code"))
    class_type = ContentType.objects.get_for_model(TrainingClass)
    tasks, partner_rows = [], []
    for plan in plans:
        school = by_school[plan.agreement_id]
        host = school.code == WORKSHOP_HOST or (plan.year != 2024 and school.code == "DHMO-HCM")
        for title, area, owner, deadline, product, status, result in _school_plan(
            plan.year, school, agency, host, today
        ):
            if deadline > today and status == "done":
                status, result = "in_progress", ""
            task = Task(
                plan=plan,
                title=title,
                area=area,
                owner=owner,
                deadline=deadline,
                expected_product=product,
                status=status,
                result=result,
                done_on=min(deadline, today) if status == "done" else None,
            )
            if area == A.TRAINING and plan.year == 2024:
                provided = [c for c in classes if c.provider_id == school.pk]
                if provided:
                    task.delivered_by_type, task.delivered_by_id = class_type, provided[0].pk
            tasks.append(task)
    tasks = Task.objects.bulk_create(tasks)
    TaskPartners = Task.partners.through
    for task in tasks:
        other = agency if task.owner_id != agency.pk else by_school[task.plan.agreement_id]
        partner_rows.append(TaskPartners(task_id=task.pk, organization_id=other.pk))
    TaskPartners.objects.bulk_create(partner_rows)

    # --- research projects -------------------------------------------------------------------
    projects = ResearchProject.objects.bulk_create(
        ResearchProject(
            title=title,
            code=f"ĐT-{start}-{i + 1:02d}",
            level=level,
            lead=schools[i % len(schools)],
            starts_on=dt.date(start, 1 + i % 6, 1),
            ends_on=dt.date(start + 1 + (level == "national"), 12, 31),
            summary=f"Nghiên cứu phối hợp giữa {schools[i % len(schools)].name} và cơ quan thường trực.",
            results=(
                "Đề tài đã nghiệm thu; các khuyến nghị được gửi cơ quan thường trực và các cơ sở."
                if status == "completed"
                else ""
            ),
            status=status,
            published=published,
            search_text=title.lower(),
        )
        for i, (title, level, status, start, published) in enumerate(RESEARCH)
    )
    for project in projects:  # the accent-free search text, as save() writes it
        project.save(update_fields=["search_text"])
    RP = ResearchProject.partners.through
    RP.objects.bulk_create(
        RP(researchproject_id=p.pk, organization_id=o.pk)
        for i, p in enumerate(projects)
        for o in (agency, schools[(i + 1) % len(schools)])
    )

    # --- good practices ----------------------------------------------------------------------
    facilities = list(Organization.objects.filter(kind__in=FACILITY_KINDS).order_by("code")[:30])
    practices = []
    if facilities:
        for i, (title, field, problem, results) in enumerate(PRACTICES):
            owner = facilities[i % len(facilities)]
            practice = GoodPractice(
                title=title,
                organization=owner,
                area=field,
                problem=problem,
                where_applied=owner.name,
                results=results,
                contact_role="Phòng Công tác xã hội" if i % 2 else "Ban Giám đốc",
                published=i % 4 != 3,
            )
            practices.append(practice)
        practices = GoodPractice.objects.bulk_create(practices)
        for practice in practices:
            practice.save(update_fields=["search_text"])
        GP = GoodPractice.applied_at.through
        GP.objects.bulk_create(
            GP(goodpractice_id=p.pk, organization_id=facilities[(i + k) % len(facilities)].pk)
            for i, p in enumerate(practices)
            for k in range(1, 1 + i % 4)
        )

    # --- awards ------------------------------------------------------------------------------
    people = list(Person.objects.filter(current_organization__in=facilities[:3]).order_by("pk")[:3])
    awards = [
        Award(
            kind="commendation",
            title="Bằng khen của Chủ tịch UBND Thành phố vì thành tích trong công tác xã hội",
            person=p,
            organization_id=p.current_organization_id,
            decision_number=f"{1200 + i}/QĐ-UBND",
            decision_date=dt.date(2025, 3, 20),
            issuer="Ủy ban nhân dân Thành phố",
        )
        for i, p in enumerate(people)
    ]
    awards += [
        Award(
            kind="award",
            title="Giấy khen tập thể có thành tích xuất sắc trong Chương trình phối hợp năm 2024",
            organization=school,
            decision_number=f"{35 + i}/QĐ-SLĐTBXH",
            decision_date=dt.date(2024, 12, 27),
            issuer="Sở Lao động – Thương binh và Xã hội",
        )
        for i, school in enumerate(schools[:3])
    ]
    Award.objects.bulk_create(awards)

    counts = {
        "agreements": len(agreements),
        "plans": len(plans),
        "tasks": len(tasks),
        "late_tasks": Task.objects.late(today).count(),
        "research_projects": len(projects),
        "good_practices": len(practices),
        "awards": len(awards),
    }
    audit.record(
        actor=SYSTEM,
        action="cooperation.load_demo",
        object_type=Agreement._meta.label_lower,
        object_repr="Dữ liệu hợp tác mẫu (demo)",
        organization=agency,
        new=counts,
    )
    return counts
