"""The three levels of the hardship file as editable rows (staff may reword the criteria)."""

from django.db import migrations

LEVELS = [
    (
        "special_hardship",
        "特困",
        "Special hardship",
        "家庭月人均收入低于当地最低生活保障标准，或因重大疾病、重度残疾、重大灾害等"
        "导致基本生活难以维持。",
        1,
    ),
    (
        "hardship",
        "困难",
        "Hardship",
        "家庭月人均收入低于当地最低生活保障标准的 1.5 倍，且因疾病、工伤、子女就学等"
        "原因生活困难。",
        2,
    ),
    (
        "relative_hardship",
        "相对困难",
        "Relative hardship",
        "家庭月人均收入略高于困难标准，但因突发事件或刚性支出较大，生活相对困难。",
        3,
    ),
]


def add_levels(apps, schema_editor):
    HardshipLevel = apps.get_model("care", "HardshipLevel")
    for code, name, name_en, criteria, order in LEVELS:
        HardshipLevel.objects.get_or_create(
            code=code,
            defaults={"name": name, "name_en": name_en, "criteria": criteria, "order": order},
        )


class Migration(migrations.Migration):
    dependencies = [("care", "0001_hardship_and_campaigns")]

    operations = [migrations.RunPython(add_levels, migrations.RunPython.noop)]
