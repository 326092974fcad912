"""Finding 9: JSON ``true``/``false`` where an id or a number is expected is refused, in every
API input and in the bargaining WebSocket's frames (pydantic's ``int`` would read true as 1)."""

import json
import typing

import pytest
from pydantic import TypeAdapter, ValidationError

from bargaining import consumers
from unionhome.config.api import api

pytestmark = pytest.mark.django_db


def _input_fields():
    """(operation, field, annotation) of every integer field a client sends to the API."""
    api.get_openapi_schema()  # binds every router and its operations
    seen = set()
    for _prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                for model in operation.signature.models:
                    if getattr(model, "__ninja_param_source__", None) != "body":
                        continue  # path and query values arrive as text: "true" is no int
                    for field_name, info in model.model_fields.items():
                        yield from _int_fields(f"{path} {field_name}", info, seen)


def _int_fields(where, info, seen):
    annotation = (
        typing.Annotated[(info.annotation, *info.metadata)] if info.metadata else (info.annotation)
    )
    inner = getattr(info.annotation, "model_fields", None)
    if inner is not None:
        if info.annotation in seen:
            return
        seen.add(info.annotation)
        for name, sub in inner.items():
            yield from _int_fields(f"{where}.{name}", sub, seen)
        return
    schema = json.dumps(TypeAdapter(annotation).json_schema())
    if '"integer"' in schema:
        yield where, annotation, schema


def test_the_api_has_integer_inputs_to_check():
    names = [where for where, _a, _s in _input_fields()]
    assert any(name.endswith("slot_id") for name in names), names
    assert any(name.endswith("item") for name in names), names


@pytest.mark.parametrize("boolean", [True, False])
def test_no_integer_input_of_the_api_accepts_a_boolean(boolean):
    accepting = []
    for where, annotation, schema in _input_fields():
        adapter = TypeAdapter(annotation)
        value = [boolean] if '"array"' in schema else boolean
        try:
            adapter.validate_python(value)
        except ValidationError:
            continue
        accepting.append(where)
    assert not accepting, f"these inputs take JSON {boolean}: {accepting}"


@pytest.fixture
def member_client(client, demo):
    client.force_login(demo["riders"][0])
    return client


def _post(client, path, body):
    return client.post(path, data=json.dumps(body), content_type="application/json")


def test_booking_a_slot_by_true_is_a_422(member_client, demo):
    response = _post(member_client, "/api/v1/legalaid/bookings", {"slot_id": True, "topic": "x"})
    assert response.status_code == 422, response.content
    assert response.json()["detail"]


def test_an_offer_on_item_true_is_a_422(client, demo):
    client.force_login(demo["union_side"][0])
    case = demo["case"]
    response = _post(
        client, f"/api/v1/bargaining/cases/{case.pk}/offers", {"item": True, "value": "9"}
    )
    assert response.status_code == 422, response.content
    assert "detail" in response.json()


def test_an_objection_naming_items_by_false_is_a_422(client, demo):
    client.force_login(demo["union_side"][0])
    case = demo["case"]
    response = _post(
        client,
        f"/api/v1/bargaining/cases/{case.pk}/contract/objection",
        {"text": "x", "item_ids": [False]},
    )
    assert response.status_code == 422, response.content


def test_no_integer_input_of_the_api_takes_a_number_beyond_64_bits():
    """A larger number would overflow the database driver: a 500 instead of a 422."""
    accepting = []
    for where, annotation, schema in _input_fields():
        value = [2**63] if '"array"' in schema else 2**63
        try:
            TypeAdapter(annotation).validate_python(value)
        except ValidationError:
            continue
        accepting.append(where)
    assert not accepting, f"these inputs take 2**63: {accepting}"


def test_a_station_id_beyond_64_bits_is_a_422_not_a_500(member_client, demo):
    from unionhome.care.models import WarmthCampaign

    campaign = WarmthCampaign.objects.order_by("pk").first()
    response = _post(
        member_client,
        f"/api/v1/care/campaigns/{campaign.pk}/claims",
        {"station_id": -(2**69), "visitor": False, "card_token": "x"},
    )
    assert response.status_code == 422, response.content
    assert response.json()["detail"]


def test_a_numeric_id_is_still_accepted(member_client, demo):
    # The same request with a number gets past validation (refused or done for other reasons).
    response = _post(member_client, "/api/v1/legalaid/bookings", {"slot_id": 10**9, "topic": "x"})
    assert response.status_code != 422 or "slot_id" not in response.content.decode()


def test_a_websocket_frame_with_item_true_is_refused(demo):
    from bargaining.models import AgendaItem
    from unionhome.core.errors import DomainError

    case = demo["case"]
    before = (
        AgendaItem.objects.get(pk=1).offers.count()
        if AgendaItem.objects.filter(pk=1).exists()
        else 0
    )
    frame = {"type": "offer.submit", "item": True, "value": "9.5", "client_id": "strict-1"}
    with pytest.raises(DomainError) as caught:
        consumers._command.func(case.pk, demo["union_side"][0], frame)
    assert caught.value.code == "invalid_item"
    after = (
        AgendaItem.objects.get(pk=1).offers.count()
        if AgendaItem.objects.filter(pk=1).exists()
        else 0
    )
    assert after == before
