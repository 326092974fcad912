"""Correct the seeded filing clause (Collective Contract Provisions art. 42: three copies go
to the labour administration) where staff have not edited it, and add the hours wording."""

from django.db import migrations


def forwards(apps, schema_editor):
    from bargaining.contracts.wording import FILING_CLAUSE, OLD_FILING_CLAUSE, seed_default_wording

    clause_model = apps.get_model("contracts", "StandardClause")
    for language, old in OLD_FILING_CLAUSE.items():
        clause_model.objects.filter(language=language, text=old).update(
            text=FILING_CLAUSE[language]
        )
    seed_default_wording(apps.get_model("contracts", "WordingTemplate"), clause_model)


class Migration(migrations.Migration):
    dependencies = [("contracts", "0005_term_body_receipt")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
