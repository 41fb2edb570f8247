"""Mask the citizen IDs that earlier versions wrote in clear into the audit trail (the
trail now masks them when it is written, see ``ctxh.core.audit.mask_field``)."""

from django.db import migrations
from django.db.models import Q


def _mask(value):
    # The same rule as ctxh.workforce.cccd.mask_cccd, frozen here as migrations must be.
    if not value:
        return value
    value = str(value)
    if len(value) <= 5:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 5) + value[-2:]


def mask_trail(apps, schema_editor):
    AuditEvent = apps.get_model("core", "AuditEvent")
    events = AuditEvent.objects.filter(
        Q(old_values__has_key="cccd") | Q(new_values__has_key="cccd")
    ).only("id", "old_values", "new_values")
    changed = []
    for event in events.iterator(chunk_size=2000):
        for values in (event.old_values, event.new_values):
            if isinstance(values, dict) and values.get("cccd"):
                values["cccd"] = _mask(values["cccd"])
        changed.append(event)
    AuditEvent.objects.bulk_update(changed, ["old_values", "new_values"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("workforce", "0004_person_search_trigram"),
    ]

    operations = [migrations.RunPython(mask_trail, migrations.RunPython.noop)]
