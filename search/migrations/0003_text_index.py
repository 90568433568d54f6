"""The free-text half of the database backend's index, for the database vendor in use.

SQLite: an FTS5 table with the Porter stemmer over unicode61 tokens ("carer" finds "carers"),
rowid = service id. PostgreSQL: a plain table with a weighted English tsvector and a GIN index.
Any other vendor gets neither, and the database backend refuses to run there.
"""

from django.db import migrations

SQLITE_CREATE = """
CREATE VIRTUAL TABLE search_text_fts USING fts5(
    name, summary, description, organisation, tokenize='porter unicode61'
)
"""
SQLITE_DROP = "DROP TABLE IF EXISTS search_text_fts"

POSTGRES_CREATE = [
    """
    CREATE TABLE search_text (
        service_id integer PRIMARY KEY,
        name text NOT NULL,
        summary text NOT NULL,
        description text NOT NULL,
        organisation text NOT NULL,
        document tsvector NOT NULL
    )
    """,
    "CREATE INDEX search_text_document_gin ON search_text USING GIN (document)",
]
POSTGRES_DROP = ["DROP TABLE IF EXISTS search_text"]


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_CREATE)
    elif vendor == "postgresql":
        for sql in POSTGRES_CREATE:
            schema_editor.execute(sql)


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_DROP)
    elif vendor == "postgresql":
        for sql in POSTGRES_DROP:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("catalogue_search", "0002_database_index")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
