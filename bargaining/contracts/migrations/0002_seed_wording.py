"""Seed the default wording templates and standard clauses (zh-hans and en)."""

from django.db import migrations


def seed(apps, schema_editor):
    from bargaining.contracts.wording import seed_default_wording

    seed_default_wording(
        apps.get_model("contracts", "WordingTemplate"), apps.get_model("contracts", "StandardClause")
    )


class Migration(migrations.Migration):
    dependencies = [("contracts", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
