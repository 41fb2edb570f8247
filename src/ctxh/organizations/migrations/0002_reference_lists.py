"""The reference lists every installation starts with: target groups and services."""

from django.db import migrations

TARGET_GROUPS = [
    ("children", "Trẻ em có hoàn cảnh đặc biệt", "Children in special circumstances"),
    ("elderly", "Người cao tuổi", "Elderly people"),
    ("disability", "Người khuyết tật", "People with disabilities"),
    ("poor", "Hộ nghèo, hộ cận nghèo", "Poor and near-poor households"),
    ("special_families", "Gia đình có hoàn cảnh đặc biệt", "Families in special circumstances"),
    ("post_rehab", "Người sau cai nghiện ma túy", "People after drug rehabilitation"),
    ("mental_illness", "Người tâm thần, rối nhiễu tâm trí", "People with mental illness"),
    ("homeless", "Người lang thang, xin ăn", "Homeless people and beggars"),
    ("hiv", "Người nhiễm HIV/AIDS", "People living with HIV/AIDS"),
    ("violence_victims", "Nạn nhân bạo lực, mua bán người", "Victims of violence or trafficking"),
]
SERVICES = [
    ("care", "Chăm sóc, nuôi dưỡng", "Residential care"),
    ("counselling", "Tham vấn, tư vấn tâm lý", "Counselling"),
    ("case_management", "Quản lý trường hợp", "Case management"),
    ("rehabilitation", "Phục hồi chức năng", "Rehabilitation"),
    ("education", "Giáo dục, học văn hóa", "Education"),
    ("vocational", "Dạy nghề, hỗ trợ việc làm", "Vocational training and jobs"),
    ("emergency", "Tiếp nhận khẩn cấp", "Emergency reception"),
    ("community", "Phát triển cộng đồng", "Community development"),
]


def load(apps, schema_editor):
    for model_name, rows in (("TargetGroup", TARGET_GROUPS), ("ServiceType", SERVICES)):
        model = apps.get_model("organizations", model_name)
        for order, (code, vi, en) in enumerate(rows, start=1):
            model.objects.update_or_create(
                code=code, defaults={"name_vi": vi, "name_en": en, "order": order}
            )


class Migration(migrations.Migration):
    dependencies = [("organizations", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
