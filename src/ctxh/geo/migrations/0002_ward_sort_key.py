"""Wards sort in Vietnamese alphabetical order (``sort_key``, ctxh.core.collation), and
their names lose the double spaces of the national list ("Phường  Rạch Dừa")."""

from django.db import migrations, models

from ctxh.core.collation import sort_key
from ctxh.core.searchtext import search_text


def forwards(apps, schema_editor):
    Ward = apps.get_model("geo", "Ward")
    wards = list(Ward.objects.all())
    for ward in wards:
        ward.name = " ".join(ward.name.split())
        ward.search_text = search_text(ward.name, ward.code)
        ward.sort_key = sort_key(ward.name)
    Ward.objects.bulk_update(wards, ["name", "search_text", "sort_key"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("geo", "0001_initial"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="ward",
            options={
                "ordering": ["sort_key", "code"],
                "verbose_name": "ward",
                "verbose_name_plural": "wards",
            },
        ),
        migrations.AddField(
            model_name="ward",
            name="sort_key",
            field=models.CharField(blank=True, default="", editable=False, max_length=255),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop, elidable=False),
        migrations.AddIndex(
            model_name="ward",
            index=models.Index(fields=["sort_key", "code"], name="geo_ward_sort_idx"),
        ),
    ]
