from django.db import migrations


def encrypt_existing(apps, schema_editor):
    from unionhome.core.crypto import digest, encrypt

    Membership = apps.get_model("unionhome", "Membership")
    # Read the raw column: rows written before encryption hold the plain number.
    for pk, raw in Membership.objects.values_list("pk", "id_number").iterator():
        if raw and not raw.startswith("gAAAA"):
            Membership.objects.filter(pk=pk).update(
                id_number=encrypt(raw), id_number_digest=digest(raw)
            )


class Migration(migrations.Migration):
    dependencies = [("unionhome", "0002_membership")]

    operations = [migrations.RunPython(encrypt_existing, migrations.RunPython.noop)]
