"""The move of the site's rest stations into the one station model (legalaid 0007)."""

import importlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

# Schema changes on SQLite need a connection outside any transaction.
pytestmark = pytest.mark.django_db(transaction=True)

MOVE = importlib.import_module("legalaid.migrations.0007_rest_stations_from_cms")


@pytest.fixture
def old_apps():
    """The models as they were just before the move, with the old rest-station table back."""
    state = MigrationExecutor(connection).loader.project_state(
        ("legalaid", "0007_rest_stations_from_cms"), at_end=False
    )
    apps = state.apps
    rest_station = apps.get_model("cms", "RestStation")
    with connection.schema_editor() as editor:
        editor.create_model(rest_station)
    yield apps
    with connection.schema_editor() as editor:
        editor.delete_model(rest_station)


def test_rest_stations_become_stations_with_both_languages(old_apps):
    from legalaid.models import Station
    from unionhome.membership.models import Union

    federation = Union.objects.create(name="市总工会", kind="federation")
    Union.objects.create(name="区总工会", kind="district", parent=federation)
    Locale = old_apps.get_model("wagtailcore", "Locale")
    RestStation = old_apps.get_model("cms", "RestStation")
    zh, _ = Locale.objects.get_or_create(language_code="zh-hans")
    en, _ = Locale.objects.get_or_create(language_code="en")
    chinese = RestStation.objects.create(
        locale=zh,
        name="江边驿站",
        district="浦江区",
        address="江边路 1 号",
        opening_hours="每天",
        amenities=["water", "wifi"],
        phone="021-1",
        latitude="31.200000",
        longitude="121.400000",
    )
    RestStation.objects.create(
        locale=en,
        translation_key=chinese.translation_key,
        name="Riverside Station",
        district="Pujiang",
        address="1 Riverside Road",
        opening_hours="",
        amenities=["water", "wifi"],
    )
    RestStation.objects.create(locale=zh, name="新城驿站", district="新城区", address="新路 2 号")

    MOVE.rest_stations_to_stations(old_apps, None)

    moved = {station.name: station for station in Station.objects.all()}
    assert set(moved) == {"江边驿站", "新城驿站"}
    riverside = moved["江边驿站"]
    assert riverside.kind == "rest_station"
    assert riverside.union == federation
    assert (riverside.name_en, riverside.address_en) == ("Riverside Station", "1 Riverside Road")
    assert riverside.opening_hours_en == ""
    assert riverside.amenity_list == ["饮用水", "无线网络"]
    assert riverside.amenities_en.splitlines() == ["Drinking water", "Wi-Fi"]
    assert riverside.phone == "021-1"
    assert str(riverside.latitude) == "31.200000"
    assert moved["新城驿站"].name_en == ""


def test_rest_stations_without_any_union_stop_the_migration(old_apps):
    Locale = old_apps.get_model("wagtailcore", "Locale")
    RestStation = old_apps.get_model("cms", "RestStation")
    zh, _ = Locale.objects.get_or_create(language_code="zh-hans")
    RestStation.objects.create(locale=zh, name="孤站", district="区", address="路")
    with pytest.raises(RuntimeError, match="no union"):
        MOVE.rest_stations_to_stations(old_apps, None)
