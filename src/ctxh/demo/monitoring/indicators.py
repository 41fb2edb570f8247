"""The programme's indicators and their targets, as the demo (and a new installation)
starts with them.

Targets are Decision 112/QĐ-TTg's (22/01/2021): communes/wards and facilities with
social-work staff 60 % by 2025 and 90 % by 2030; facilities providing social-work services
≥ 50 % / ≥ 60 %; staff and collaborators trained ≥ 30 % by 2025; vulnerable children
receiving social-work services ≥ 85 %. The city's plan (Decision 3359/QĐ-UBND) restates
them; its own figures are not in our sources, so none is invented here — the programme
office enters them on the indicator pages. The workforce's ``WorkforceTarget`` rows (the
training demo adds the trained-share one) are copied in too.

Idempotent: an indicator or a target already as described is left alone (no audit event);
everything goes through the services, as ``SYSTEM``.
"""

from __future__ import annotations

from decimal import Decimal

from ctxh.core.scoping import SYSTEM
from ctxh.monitoring.models import Indicator, Target
from ctxh.monitoring.services.indicators import indicator_save, target_save
from ctxh.workforce.models import WorkforceTarget

D112 = Target.Source.DECISION_112
QD112 = "Quyết định 112/QĐ-TTg ngày 22/01/2021"

#: The data sets and fields of the periodic submissions the beneficiaries' indicators read
#: (the submissions' demo defines them; the lead reconciles the codes at merge).
# The periodic data sets of monitoring/migrations/0003_submission_datasets.py.
ALLOWANCE_DATASET, ALLOWANCE_FIELD = "ward_allowance", "total"
SERVICES_DATASET, SERVICES_FIELD = "social_work_services", "counselling"

C, S, M = Indicator.Method.COMPUTATION, Indicator.Method.SUBMISSION, Indicator.Method.MANUAL
PCT, PEOPLE, COUNT = Indicator.Unit.PERCENT, Indicator.Unit.PEOPLE, Indicator.Unit.COUNT

INDICATORS = [
    {
        "code": "workforce_people",
        "name": "Số người làm công tác xã hội (nhân viên và cộng tác viên)",
        "unit": PEOPLE,
        "theme": Indicator.Theme.WORKFORCE,
        "method": C,
        "computation": "workforce_people",
        "breakdowns": ["sector", "ward"],
        "definition": "Người trong sổ đăng ký nhân lực công tác xã hội, theo khu vực và "
        "phường, xã của đơn vị hiện tại.",
        "source_document": "Kế hoạch 3359/QĐ-UBND ngày 04/10/2022",
        "order": 5,
    },
    {
        "code": "wards_with_staff",
        "name": "Tỷ lệ phường, xã có người làm công tác xã hội",
        "unit": PCT,
        "theme": Indicator.Theme.WORKFORCE,
        "method": C,
        "computation": "wards_with_staff",
        "breakdowns": ["ward"],
        "definition": "Phường, xã có ít nhất một nhân viên công tác xã hội (không tính cộng "
        "tác viên) làm việc tại UBND phường, xã, trên tổng số đơn vị hành chính cấp xã.",
        "source_document": QD112,
        "order": 10,
        "targets": [(2025, 60), (2030, 90)],
    },
    {
        "code": "facilities_with_staff",
        "name": "Tỷ lệ cơ sở trợ giúp xã hội có người làm công tác xã hội",
        "unit": PCT,
        "theme": Indicator.Theme.NETWORK,
        "method": C,
        "computation": "facilities_with_staff",
        "breakdowns": ["ward"],
        "definition": "Cơ sở trợ giúp xã hội đang hoạt động có ít nhất một nhân viên công tác "
        "xã hội, trên tổng số cơ sở đang hoạt động.",
        "source_document": QD112,
        "order": 20,
        "targets": [(2025, 60), (2030, 90)],
    },
    {
        "code": "facilities_providing_services",
        "name": "Tỷ lệ cơ sở trợ giúp xã hội cung cấp dịch vụ công tác xã hội",
        "unit": PCT,
        "theme": Indicator.Theme.NETWORK,
        "method": C,
        "computation": "facilities_providing_services",
        "breakdowns": ["ward"],
        "definition": "Cơ sở đang hoạt động có cung cấp dịch vụ công tác xã hội (theo hồ sơ "
        "cơ sở), trên tổng số cơ sở đang hoạt động.",
        "source_document": QD112,
        "order": 30,
        "targets": [(2025, 50), (2030, 60)],
    },
    {
        "code": "workforce_trained",
        "name": "Tỷ lệ người làm công tác xã hội được đào tạo, bồi dưỡng trong 5 năm",
        "unit": PCT,
        "theme": Indicator.Theme.TRAINING,
        "method": C,
        "computation": "workforce_trained_share",
        "breakdowns": ["sector", "ward"],
        "definition": "Người trong sổ đăng ký nhân lực (có đơn vị hiện tại) đã hoàn thành ít "
        "nhất một lớp kết thúc trong 5 năm tính đến cuối năm, trên tổng số.",
        "source_document": QD112,
        "order": 40,
        "targets": [(2025, 30)],
    },
    {
        "code": "students_placed",
        "name": "Số sinh viên được tiếp nhận thực tập tại cơ sở",
        "unit": PEOPLE,
        "theme": Indicator.Theme.PRACTICUM,
        "method": C,
        "computation": "students_placed",
        "breakdowns": ["ward", "sector"],
        "definition": "Sinh viên được cơ sở tiếp nhận (đã nhận, đang thực tập, đã hoàn "
        "thành) trong các kỳ thực tập bắt đầu trong năm.",
        "source_document": "Chương trình hợp tác giữa Sở và các trường (2024)",
        "order": 50,
    },
    {
        "code": "students_completed",
        "name": "Số sinh viên hoàn thành thực tập",
        "unit": PEOPLE,
        "theme": Indicator.Theme.PRACTICUM,
        "method": C,
        "computation": "students_completed",
        "breakdowns": ["ward", "sector"],
        "definition": "Sinh viên được cơ sở xác nhận hoàn thành thực tập, trong các kỳ bắt "
        "đầu trong năm.",
        "source_document": "Chương trình hợp tác giữa Sở và các trường (2024)",
        "order": 55,
    },
    {
        "code": "residents",
        "name": "Số đối tượng được chăm sóc, nuôi dưỡng tại cơ sở",
        "unit": PEOPLE,
        "theme": Indicator.Theme.BENEFICIARIES,
        "method": C,
        "computation": "residents",
        "breakdowns": ["target_group", "ward"],
        "definition": "Số liệu được chấp nhận của kỳ báo cáo gần nhất (đến cuối năm) của "
        "từng cơ sở, theo nhóm đối tượng.",
        "source_document": "Báo cáo định kỳ của các cơ sở trợ giúp xã hội",
        "order": 60,
    },
    {
        "code": "allowance_recipients",
        "name": "Số người hưởng trợ cấp xã hội hằng tháng tại cộng đồng",
        "unit": PEOPLE,
        "theme": Indicator.Theme.BENEFICIARIES,
        "method": S,
        "dataset_code": ALLOWANCE_DATASET,
        "field_code": ALLOWANCE_FIELD,
        "aggregation": Indicator.Aggregation.LATEST,
        "breakdowns": ["ward"],
        "definition": "Tổng số đối tượng bảo trợ xã hội hưởng trợ cấp hằng tháng (8 nhóm theo "
        "Nghị định 20/2021/NĐ-CP) của quý gần nhất được duyệt, do phường, xã báo cáo.",
        "source_document": "Nghị định 20/2021/NĐ-CP",
        "order": 70,
    },
    {
        "code": "counselling_recipients",
        "name": "Số lượt người được tư vấn, trợ giúp công tác xã hội",
        "unit": PEOPLE,
        "theme": Indicator.Theme.BENEFICIARIES,
        "method": S,
        "dataset_code": SERVICES_DATASET,
        "field_code": SERVICES_FIELD,
        "aggregation": Indicator.Aggregation.SUM,
        "breakdowns": ["ward"],
        "definition": "Số lượt người có hoàn cảnh khó khăn được tư vấn, trợ giúp trong năm "
        "(Quyết định 112: tăng 20 % so với năm 2020), tổng các kỳ báo cáo được duyệt.",
        "source_document": QD112,
        "order": 80,
    },
    {
        "code": "children_served_share",
        "name": "Tỷ lệ trẻ em có hoàn cảnh đặc biệt được cung cấp dịch vụ công tác xã hội",
        "unit": PCT,
        "theme": Indicator.Theme.BENEFICIARIES,
        "method": M,
        "breakdowns": ["ward"],
        "definition": "Trẻ em mồ côi, bị bỏ rơi, nhiễm HIV/AIDS, khuyết tật, bị ảnh hưởng bởi "
        "thiên tai được cung cấp dịch vụ công tác xã hội, trên tổng số (nhập tay theo báo cáo "
        "năm).",
        "source_document": QD112,
        "order": 90,
        "targets": [(2025, 85)],
    },
]


def _same(indicator: Indicator, data: dict) -> bool:
    return all(getattr(indicator, k) == v for k, v in data.items())


def load_indicators() -> dict[str, int]:
    """Create or bring up to date the indicators and their Decision 112 targets, and copy
    the workforce targets; returns how many indicators and targets were written."""
    written = {"indicators": 0, "targets": 0}
    for spec in INDICATORS:
        spec = dict(spec)
        targets = spec.pop("targets", [])
        existing = Indicator.objects.filter(code=spec["code"]).first()
        if existing is None:
            existing = indicator_save(by=SYSTEM, data=spec)
            written["indicators"] += 1
        elif not _same(existing, {k: v for k, v in spec.items() if k != "name"}):
            # The office may have renamed it: keep its name, restore the definition.
            indicator_save(
                by=SYSTEM, indicator=existing, data={k: v for k, v in spec.items() if k != "name"}
            )
            written["indicators"] += 1
        for year, value in targets:
            written["targets"] += _ensure_target(existing, year, Decimal(value), D112, "")
    by_code = {
        i.code: i for i in Indicator.objects.filter(code__in=WorkforceTarget.Indicator.values)
    }
    for row in WorkforceTarget.objects.all():
        indicator = by_code.get(row.indicator)
        if indicator is None or not 2021 <= row.year <= 2030:
            continue
        source = Target.Source.DECISION_112 if "112" in row.source else Target.Source.OTHER
        note = "" if source == Target.Source.DECISION_112 else row.source[:255]
        written["targets"] += _ensure_target(indicator, row.year, row.percent, source, note)
    return written


def _ensure_target(indicator: Indicator, year: int, value: Decimal, source: str, note: str) -> int:
    """Set the city's target unless one exists for that year (the office's own is kept)."""
    if Target.objects.filter(indicator=indicator, year=year, ward__isnull=True).exists():
        return 0
    target_save(
        by=SYSTEM, indicator=indicator, year=year, value=value, source=source, source_note=note
    )
    return 1
