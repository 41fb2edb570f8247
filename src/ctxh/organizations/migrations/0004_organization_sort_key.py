"""Organisations sort in Vietnamese alphabetical order: ``sort_key`` of the name
(ctxh.core.collation), computed here for the existing rows, indexed with the id."""

from django.db import migrations, models

from ctxh.core.collation import sort_key

BATCH = 1000


def forwards(apps, schema_editor):
    Organization = apps.get_model("organizations", "Organization")
    last = 0
    while True:
        rows = list(
            Organization.objects.filter(pk__gt=last).order_by("pk").only("id", "name")[:BATCH]
        )
        if not rows:
            return
        for org in rows:
            org.sort_key = sort_key(org.name)
        Organization.objects.bulk_update(rows, ["sort_key"], batch_size=BATCH)
        last = rows[-1].pk


class Migration(migrations.Migration):
    dependencies = [
        ("organizations", "0003_resident_counts"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="organization",
            options={
                "ordering": ["sort_key", "id"],
                "verbose_name": "organisation",
                "verbose_name_plural": "organisations",
            },
        ),
        migrations.AddField(
            model_name="organization",
            name="sort_key",
            field=models.CharField(blank=True, default="", editable=False, max_length=255),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop, elidable=False),
        migrations.AddIndex(
            model_name="organization",
            index=models.Index(fields=["sort_key", "id"], name="organizations_org_sort_idx"),
        ),
    ]
