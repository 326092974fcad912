"""Move the site's rest stations (``cms.RestStation``) into the one station model.

Each translation group of rest stations becomes one ``legalaid.Station`` of kind rest
station: the Chinese row gives the Chinese fields, the English row (if any) the English
ones. Amenities were codes; they become the lines staff now edit, in both languages.
Rest stations had no union; they go to the root of the union tree (the city federation),
whose staff ran the site. Going back leaves the stations where they are.
"""

from django.db import migrations

# The codes rest stations used, with the labels the site showed for them.
AMENITIES = {
    "water": ("饮用水", "Drinking water"),
    "charging": ("手机和电池充电", "Phone and battery charging"),
    "microwave": ("微波炉", "Microwave"),
    "toilet": ("卫生间", "Toilet"),
    "seating": ("休息座椅", "Seats to rest"),
    "air_conditioning": ("空调或取暖", "Air conditioning or heating"),
    "first_aid": ("急救药箱", "First-aid kit"),
    "wifi": ("无线网络", "Wi-Fi"),
    "repair": ("简易维修工具", "Tools for small repairs"),
}


def _amenity_lines(codes, language: int) -> str:
    return "\n".join(AMENITIES.get(code, (code, code))[language] for code in codes or [])


def rest_stations_to_stations(apps, schema_editor):
    RestStation = apps.get_model("cms", "RestStation")
    Station = apps.get_model("legalaid", "Station")
    Union = apps.get_model("unionhome", "Union")
    rows = list(
        RestStation.objects.select_related("locale").order_by("district", "sort_order", "pk")
    )
    if not rows:
        return
    union = Union.objects.filter(parent__isnull=True).order_by("pk").first()
    if union is None:
        raise RuntimeError(
            "Rest stations exist but no union does: create the city federation first, "
            "then migrate again."
        )
    groups: dict = {}
    for row in rows:
        groups.setdefault(row.translation_key, []).append(row)
    for group in groups.values():
        chinese = next(
            (r for r in group if r.locale.language_code.lower().startswith("zh")), group[0]
        )
        english = next(
            (
                r
                for r in group
                if r is not chinese and r.locale.language_code.lower().startswith("en")
            ),
            None,
        )
        Station.objects.create(
            union=union,
            kind="rest_station",
            name=chinese.name,
            name_en=english.name if english else "",
            district=chinese.district,
            address=chinese.address,
            address_en=english.address if english else "",
            opening_hours=chinese.opening_hours,
            opening_hours_en=english.opening_hours if english else "",
            amenities=_amenity_lines(chinese.amenities, 0),
            amenities_en=_amenity_lines(chinese.amenities, 1),
            phone=chinese.phone,
            latitude=chinese.latitude,
            longitude=chinese.longitude,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("legalaid", "0006_station_english_fields"),
        ("cms", "0001_initial"),
        ("unionhome", "0005_merge_0004_private_files_0004_worker_type_unsure"),
    ]

    operations = [
        migrations.RunPython(rest_stations_to_stations, migrations.RunPython.noop),
    ]
