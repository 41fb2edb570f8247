"""The access log says which page was opened (``page``, what ``purpose`` held until now)
and why (``purpose``, a short list, with ``purpose_detail``); people's phones are checked as
Vietnamese numbers and kept in their national form."""

from django.db import migrations, models

import ctxh.core.validators


def normalise_phones(apps, schema_editor):
    """``+84 90 123 4567`` → ``0901234567`` where the stored number is a Vietnamese one;
    numbers that are not stay as they were (the next edit asks for a valid one)."""
    Person = apps.get_model("workforce", "Person")
    changed = []
    for person in Person.objects.exclude(phone="").only("id", "phone").iterator(chunk_size=2000):
        normal = ctxh.core.validators.normalize_phone(person.phone)
        if normal != person.phone:
            try:
                ctxh.core.validators.validate_vn_phone(normal)
            except Exception:  # noqa: BLE001,S112 - an unknown format is left untouched
                continue
            person.phone = normal
            changed.append(person)
    Person.objects.bulk_update(changed, ["phone"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("workforce", "0006_person_sort_key_search_without_cccd"),
    ]

    operations = [
        migrations.RenameField(model_name="personaccesslog", old_name="purpose", new_name="page"),
        migrations.AlterField(
            model_name="personaccesslog",
            name="page",
            field=models.CharField(blank=True, max_length=200, verbose_name="page"),
        ),
        migrations.AddField(
            model_name="personaccesslog",
            name="purpose",
            field=models.CharField(
                blank=True,
                choices=[
                    ("checking", "Checking"),
                    ("reporting", "Statistics and reporting"),
                    ("inspection", "Inspection and supervision"),
                    ("cooperation", "Professional cooperation"),
                    ("other", "Other"),
                ],
                max_length=20,
                verbose_name="purpose",
            ),
        ),
        migrations.AddField(
            model_name="personaccesslog",
            name="purpose_detail",
            field=models.CharField(blank=True, max_length=200, verbose_name="purpose (in words)"),
        ),
        migrations.AlterField(
            model_name="person",
            name="phone",
            field=models.CharField(
                blank=True,
                help_text="A Vietnamese number: 10 digits starting with 0, or +84…",
                max_length=20,
                validators=[ctxh.core.validators.validate_vn_phone],
                verbose_name="phone",
            ),
        ),
        migrations.RunPython(normalise_phones, migrations.RunPython.noop),
    ]
