"""SQLite only: a second, small FTS5 table of each service's name and summary.

The relevance tiers ("every term in the name", "... in the summary") are column-filtered MATCHes;
on the main table they read the position lists of every service that mentions a term anywhere,
description included. Here the lists hold only the services that have it in the name or summary.
"""

from django.db import migrations

CREATE = """
CREATE VIRTUAL TABLE search_title_fts USING fts5(
    name, summary, tokenize='porter unicode61'
)
"""
FILL = "INSERT INTO search_title_fts (rowid, name, summary) SELECT rowid, name, summary FROM search_text_fts"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(CREATE)
        schema_editor.execute(FILL)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS search_title_fts")


class Migration(migrations.Migration):
    dependencies = [("catalogue_search", "0005_rowid_primary_key")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
