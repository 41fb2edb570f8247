"""On PostgreSQL, a trigram index for the accent-insensitive search of people.

``search_text`` is matched with ``LIKE '%term%'``, which a B-tree cannot serve; a GIN
trigram index can. It needs the ``pg_trgm`` extension (trusted since PostgreSQL 13, so a
database owner may create it); where it cannot be created the search still works, only
slower. SQLite has no such index and needs none at this size.
"""

from django.db import DatabaseError, migrations, transaction

INDEX = "workforce_person_search_trgm"


def create(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DatabaseError:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON workforce_person "
            "USING gin (search_text gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("workforce", "0003_person_name_index")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
