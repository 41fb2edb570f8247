"""The three periodic data sets every installation starts with (issue 13)."""

from django.db import migrations

FACILITY_KINDS = ["public_facility", "rehab_facility", "private_facility"]

# Decree 20/2021/NĐ-CP, Article 5: the eight groups of regular monthly social allowance.
ALLOWANCE_GROUPS = [
    ("d20_1", "Trẻ em dưới 16 tuổi không có nguồn nuôi dưỡng",
     "Children under 16 without a source of support"),
    ("d20_2", "Người từ 16 đến 22 tuổi đang đi học, không có nguồn nuôi dưỡng",
     "People aged 16 to 22 in education without a source of support"),
    ("d20_3", "Trẻ em nhiễm HIV/AIDS thuộc hộ nghèo",
     "Children with HIV/AIDS of poor households"),
    ("d20_4", "Người đơn thân thuộc hộ nghèo, hộ cận nghèo đang nuôi con",
     "Single parents of poor or near-poor households raising children"),
    ("d20_5", "Người cao tuổi thuộc diện trợ cấp", "Elderly people entitled to the allowance"),
    ("d20_6", "Người khuyết tật nặng, đặc biệt nặng",
     "People with severe or very severe disabilities"),
    ("d20_7", "Trẻ em dưới 3 tuổi thuộc hộ nghèo, hộ cận nghèo",
     "Children under 3 of poor or near-poor households"),
    ("d20_8", "Người nhiễm HIV/AIDS thuộc hộ nghèo không có trợ cấp hàng tháng",
     "People with HIV/AIDS of poor households without a monthly income"),
]
SERVICE_GROUPS = [
    ("children", "Trẻ em", "Children"),
    ("elderly", "Người cao tuổi", "Elderly people"),
    ("disability", "Người khuyết tật", "People with disabilities"),
    ("other", "Nhóm khác", "Other groups"),
]
SERVICES = [
    ("counselling", "Lượt người được tham vấn, tư vấn", "People counselled"),
    ("case_management", "Người được quản lý trường hợp", "People in case management"),
    ("referral", "Người được chuyển gửi dịch vụ", "People referred to services"),
]


def load(apps, schema_editor):
    DataSet = apps.get_model("monitoring", "DataSet")
    DataField = apps.get_model("monitoring", "DataField")
    TargetGroup = apps.get_model("organizations", "TargetGroup")

    def dataset(code, order, vi, en, kinds, **extra):
        ds, _created = DataSet.objects.update_or_create(
            code=code,
            defaults={
                "order": order,
                "name_vi": vi,
                "name_en": en,
                "period_type": "quarterly",
                "org_kinds": kinds,
                "deadline_days": 20,
                "grace_days": 90,
                **extra,
            },
        )
        return ds

    def field(ds, code, order, vi, en, **extra):
        f, _created = DataField.objects.update_or_create(
            dataset=ds,
            code=code,
            defaults={"order": order, "name_vi": vi, "name_en": en, **extra},
        )
        return f

    residents = dataset(
        "facility_residents",
        1,
        "Đối tượng đang được chăm sóc tại cơ sở trợ giúp xã hội",
        "Residents of social-assistance facilities",
        FACILITY_KINDS,
        headcount_backed=True,
        description=(
            "Số người đang được chăm sóc, nuôi dưỡng tại cơ sở vào ngày cuối quý, theo nhóm "
            "đối tượng. Khi được duyệt, số liệu được ghi vào sổ đăng ký của cơ sở."
        ),
    )
    total = field(residents, "total", 0, "Tổng số đối tượng", "Residents in total")
    for group in TargetGroup.objects.order_by("order", "code"):
        field(
            residents,
            group.code,
            group.order,
            group.name_vi,
            group.name_en,
            group_key="target_group",
            target_group=group,
            part_of=total,
        )

    allowance = dataset(
        "ward_allowance",
        2,
        "Đối tượng hưởng trợ cấp xã hội hằng tháng tại cộng đồng (Nghị định 20/2021/NĐ-CP)",
        "Recipients of regular monthly social allowance (Decree 20/2021)",
        ["ward_office"],
        description="Số người đang hưởng trợ cấp vào ngày cuối quý, theo 8 nhóm đối tượng.",
    )
    total = field(allowance, "total", 0, "Tổng số người hưởng trợ cấp", "Recipients in total")
    for order, (code, vi, en) in enumerate(ALLOWANCE_GROUPS, start=1):
        field(allowance, code, order, vi, en, group_key="allowance_group", part_of=total)

    services = dataset(
        "social_work_services",
        3,
        "Người được cung cấp dịch vụ công tác xã hội",
        "People who received social-work services",
        ["ward_office", *FACILITY_KINDS],
        description=(
            "Số người được cung cấp dịch vụ trong quý, theo nhóm đối tượng; và theo dịch vụ "
            "(một người có thể nhận nhiều dịch vụ)."
        ),
    )
    total = field(services, "total", 0, "Tổng số người được phục vụ", "People served in total")
    for order, (code, vi, en) in enumerate(SERVICE_GROUPS, start=1):
        field(services, code, order, vi, en, group_key="target_group", part_of=total)
    for order, (code, vi, en) in enumerate(SERVICES, start=10):
        field(services, code, order, vi, en, group_key="service")


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0002_submissions"),
        ("organizations", "0002_reference_lists"),
    ]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
