"""What a service is, in the text index: its categories and client groups ("about", weighted like
the name) and its places (its town, locality and the localities it serves).

SQLite: FTS5 tables cannot gain columns, so both are rebuilt with the new columns (existing rows
copied, their new columns empty until `manage.py rebuild_search_index`). PostgreSQL: two text
columns beside the tsvector, which the backend now builds from them too.
"""

from django.db import migrations

SQLITE_FORWARD = [
    "ALTER TABLE search_text_fts RENAME TO search_text_fts_old",
    """CREATE VIRTUAL TABLE search_text_fts USING fts5(
        name, summary, description, organisation, about, places, tokenize='porter unicode61'
    )""",
    """INSERT INTO search_text_fts (rowid, name, summary, description, organisation, about, places)
       SELECT rowid, name, summary, description, organisation, '', '' FROM search_text_fts_old""",
    "DROP TABLE search_text_fts_old",
    "ALTER TABLE search_title_fts RENAME TO search_title_fts_old",
    """CREATE VIRTUAL TABLE search_title_fts USING fts5(
        name, summary, about, tokenize='porter unicode61'
    )""",
    """INSERT INTO search_title_fts (rowid, name, summary, about)
       SELECT rowid, name, summary, '' FROM search_title_fts_old""",
    "DROP TABLE search_title_fts_old",
]
SQLITE_BACKWARD = [
    "ALTER TABLE search_text_fts RENAME TO search_text_fts_new",
    """CREATE VIRTUAL TABLE search_text_fts USING fts5(
        name, summary, description, organisation, tokenize='porter unicode61'
    )""",
    """INSERT INTO search_text_fts (rowid, name, summary, description, organisation)
       SELECT rowid, name, summary, description, organisation FROM search_text_fts_new""",
    "DROP TABLE search_text_fts_new",
    "ALTER TABLE search_title_fts RENAME TO search_title_fts_new",
    "CREATE VIRTUAL TABLE search_title_fts USING fts5(name, summary, tokenize='porter unicode61')",
    """INSERT INTO search_title_fts (rowid, name, summary)
       SELECT rowid, name, summary FROM search_title_fts_new""",
    "DROP TABLE search_title_fts_new",
]
POSTGRES_FORWARD = [
    "ALTER TABLE search_text ADD COLUMN about text NOT NULL DEFAULT ''",
    "ALTER TABLE search_text ADD COLUMN places text NOT NULL DEFAULT ''",
]
POSTGRES_BACKWARD = [
    "ALTER TABLE search_text DROP COLUMN about",
    "ALTER TABLE search_text DROP COLUMN places",
]


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}.get(vendor, [])
    for sql in statements:
        schema_editor.execute(sql)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}.get(vendor, [])
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("catalogue_search", "0007_index_change_log")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
