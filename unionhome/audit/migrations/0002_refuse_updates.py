"""A database-level guard: audit entries cannot be rewritten, not even by raw SQL.

Only the ON DELETE SET NULL of the actor and union keys may touch a row (deleting a user or a
union must stay possible); any other change is refused by a trigger. Deleting stays possible
for the retention job."""

from django.db import migrations

CHANGED = (
    "NEW.created_at {op} OLD.created_at OR NEW.action {op} OLD.action"
    " OR NEW.object_type {op} OLD.object_type OR NEW.object_id {op} OLD.object_id"
    " OR NEW.detail {op} OLD.detail"
    " OR (NEW.actor_id IS NOT NULL AND NEW.actor_id {op} OLD.actor_id)"
    " OR (NEW.union_id IS NOT NULL AND NEW.union_id {op} OLD.union_id)"
)


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(
            "CREATE OR REPLACE FUNCTION audit_entry_refuse_update() RETURNS trigger AS $$ "
            "BEGIN RAISE EXCEPTION 'audit entries cannot be changed'; END; $$ LANGUAGE plpgsql"
        )
        condition = CHANGED.format(op="IS DISTINCT FROM")
        schema_editor.execute(
            "CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_auditentry "
            f"FOR EACH ROW WHEN ({condition}) EXECUTE FUNCTION audit_entry_refuse_update()"
        )
    elif vendor == "sqlite":
        condition = CHANGED.format(op="IS NOT")
        schema_editor.execute(
            "CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_auditentry "
            f"WHEN {condition} BEGIN SELECT RAISE(ABORT, 'audit entries cannot be changed'); END"
        )


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute("DROP TRIGGER IF EXISTS audit_entry_no_update ON audit_auditentry")
        schema_editor.execute("DROP FUNCTION IF EXISTS audit_entry_refuse_update()")
    elif vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS audit_entry_no_update")


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
