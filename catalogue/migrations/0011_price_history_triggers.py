"""The price history is append-only in the database too, not only through the ORM.

A trigger refuses UPDATE and DELETE on catalogue_pricerecord, so a raw SQL statement, a
dbshell session or a future bulk path cannot rewrite the figures the market statement and the
RAS rates are computed from. One UPDATE is allowed: setting recorded_by to NULL and nothing
else, which is what erasing the account of the person who recorded a price does.

The test database is emptied with `flush`: TRUNCATE on PostgreSQL (row triggers do not fire),
DELETE on SQLite, where catalogue's `flush` command sets the triggers aside for the statement.
"""

from django.db import migrations

# Every column but recorded_by_id must stay as it was (SQLite has no row comparison to lean
# on; a column added to PriceRecord later belongs in this list, in a new migration).
COLUMNS = (
    "id",
    "service_id",
    "option_uuid",
    "category_id",
    "label",
    "amount",
    "unit",
    "kind",
    "valid_from",
    "valid_to",
    "recorded_at",
)

POSTGRESQL_CREATE = """
CREATE FUNCTION catalogue_pricerecord_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.recorded_by_id IS NULL
       AND (to_jsonb(NEW) - 'recorded_by_id') = (to_jsonb(OLD) - 'recorded_by_id') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'Price history is append-only: % of catalogue_pricerecord refused', TG_OP
        USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER catalogue_pricerecord_append_only
    BEFORE UPDATE OR DELETE ON catalogue_pricerecord
    FOR EACH ROW EXECUTE FUNCTION catalogue_pricerecord_append_only();
"""
POSTGRESQL_DROP = """
DROP TRIGGER IF EXISTS catalogue_pricerecord_append_only ON catalogue_pricerecord;
DROP FUNCTION IF EXISTS catalogue_pricerecord_append_only();
"""

SQLITE_CREATE = [
    f"""
CREATE TRIGGER catalogue_pricerecord_no_update BEFORE UPDATE ON catalogue_pricerecord
WHEN NEW.recorded_by_id IS NOT NULL OR {" OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in COLUMNS)}
BEGIN
    SELECT RAISE(ABORT, 'Price history is append-only: UPDATE of catalogue_pricerecord refused');
END;
""",
    """
CREATE TRIGGER catalogue_pricerecord_no_delete BEFORE DELETE ON catalogue_pricerecord
BEGIN
    SELECT RAISE(ABORT, 'Price history is append-only: DELETE of catalogue_pricerecord refused');
END;
""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS catalogue_pricerecord_no_update;",
    "DROP TRIGGER IF EXISTS catalogue_pricerecord_no_delete;",
]


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_CREATE, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_CREATE:
            schema_editor.execute(statement, params=None)


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_DROP, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0010_service_on_council_framework")]

    operations = [migrations.RunPython(create_triggers, drop_triggers, elidable=False)]
