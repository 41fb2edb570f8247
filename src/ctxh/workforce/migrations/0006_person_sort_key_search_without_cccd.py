"""People: the citizen ID leaves ``search_text`` (a viewer rebuilt masked IDs by searching
5-digit windows of it), and a ``sort_key`` puts people in Vietnamese list order (given
name, then family and middle names). Both columns are recomputed for every person in
batches of plain UPDATEs by primary key — seconds at 50,000 people — between dropping
the old indexes and building the new ones (``search_text`` is now indexed with
``sort_key``, so a ranked search reads only the index on SQLite).
"""

from django.db import migrations, models

from ctxh.core.collation import name_sort_key
from ctxh.core.searchtext import search_text

BATCH = 2000


def _recompute(apps, schema_editor, *, with_cccd: bool) -> None:
    Person = apps.get_model("workforce", "Person")
    connection = schema_editor.connection
    table = connection.ops.quote_name(Person._meta.db_table)
    if with_cccd:
        sql = f"UPDATE {table} SET search_text = %s WHERE id = %s"
    else:
        sql = f"UPDATE {table} SET search_text = %s, sort_key = %s WHERE id = %s"
    last = 0
    while True:
        rows = list(
            Person.objects.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", "full_name", "cccd", "phone", "email")[:BATCH]
        )
        if not rows:
            return
        if with_cccd:  # the old content, for a rollback
            params = [(search_text(n, c, p, e), pk) for pk, n, c, p, e in rows]
        else:
            params = [(search_text(n, p, e), name_sort_key(n), pk) for pk, n, c, p, e in rows]
        with connection.cursor() as cursor:
            cursor.executemany(sql, params)
        last = rows[-1][0]


def forwards(apps, schema_editor):
    _recompute(apps, schema_editor, with_cccd=False)


def backwards(apps, schema_editor):
    _recompute(apps, schema_editor, with_cccd=True)


class Migration(migrations.Migration):
    dependencies = [
        ("organizations", "0003_resident_counts"),
        ("workforce", "0005_mask_cccd_in_audit_trail"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="person",
            options={
                "ordering": ["sort_key", "id"],
                "verbose_name": "person",
                "verbose_name_plural": "people",
            },
        ),
        migrations.RemoveIndex(
            model_name="person",
            name="workforce_p_current_00a020_idx",
        ),
        migrations.RemoveIndex(
            model_name="person",
            name="workforce_person_name_idx",
        ),
        migrations.AlterField(
            model_name="person",
            name="search_text",
            field=models.TextField(default="", editable=False),
        ),
        migrations.AddField(
            model_name="person",
            name="sort_key",
            field=models.CharField(blank=True, default="", editable=False, max_length=255),
        ),
        migrations.RunPython(forwards, backwards, elidable=False),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(fields=["sort_key", "id"], name="workforce_person_sort_idx"),
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(
                fields=["current_organization", "sort_key"], name="workforce_person_org_sort"
            ),
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(
                fields=["search_text", "sort_key"], name="workforce_person_search_idx"
            ),
        ),
    ]
