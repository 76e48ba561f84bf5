"""On PostgreSQL, a trigram index makes the case search (``search_text LIKE '%term%'``) fast.

pg_trgm ships with PostgreSQL and is a trusted extension (13+): the database owner may
create it. Where it cannot be created, the search still works, by scanning; the migration
says so instead of failing. SQLite has no such index and needs none at its scale.
"""

from django.db import migrations, transaction

INDEX = "case_search_trgm"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except Exception as error:  # noqa: BLE001 - any refusal leaves the search as it is
        print(f"\n  pg_trgm is not available ({error}); the case search will scan.")
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON cases_case "
        "USING gin (search_text gin_trgm_ops)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_request_lifecycle_documents_calendar")]

    operations = [migrations.RunPython(create, drop)]
