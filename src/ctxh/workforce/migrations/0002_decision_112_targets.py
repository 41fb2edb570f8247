"""The Decision 112/QĐ-TTg targets for social-work staff, loaded as data (editable in admin)."""

from django.db import migrations

SOURCE = "Quyết định 112/QĐ-TTg ngày 22/01/2021"
TARGETS = [
    ("wards_with_staff", 2025, 60),
    ("wards_with_staff", 2030, 90),
    ("facilities_with_staff", 2025, 60),
    ("facilities_with_staff", 2030, 90),
]


def load(apps, schema_editor):
    target = apps.get_model("workforce", "WorkforceTarget")
    for indicator, year, percent in TARGETS:
        target.objects.get_or_create(
            indicator=indicator, year=year, defaults={"percent": percent, "source": SOURCE}
        )


def unload(apps, schema_editor):
    target = apps.get_model("workforce", "WorkforceTarget")
    for indicator, year, _percent in TARGETS:
        target.objects.filter(indicator=indicator, year=year, source=SOURCE).delete()


class Migration(migrations.Migration):
    dependencies = [("workforce", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
