"""Trigram indexes for the admin's search over headline, deck and body (PostgreSQL only).

Django's admin search is `UPPER(column) LIKE UPPER('%term%')`; without these indexes that
is a scan of every story (seconds on a million). pg_trgm is a trusted extension: the
database owner can create it. SQLite has neither and does without.
"""

from django.db import migrations

COLUMNS = ["headline", "deck", "body"]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS article_{column}_upper_trgm ON articles_article "
            f"USING gin (UPPER({column}::text) gin_trgm_ops)"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS article_{column}_upper_trgm")


class Migration(migrations.Migration):
    dependencies = [("articles", "0004_article_admin_newest_index")]

    operations = [migrations.RunPython(forwards, backwards)]
