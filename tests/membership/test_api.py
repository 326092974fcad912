"""API tests for every endpoint of "Unions and membership", including the 4xx cases."""

import json

import pytest
import zxingcpp
from PIL import Image

from tests.membership.helpers import application, apply, new_user, staff_of, token_for
from unionhome.membership import services
from unionhome.membership.models import JoinCode, Membership, Transfer

pytestmark = pytest.mark.django_db


@pytest.fixture
def core(db):
    from unionhome.core.demo import seed_core

    return seed_core()


def post(client, path, data=None, **extra):
    return client.post(
        path,
        data=json.dumps(data or {}),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
        **extra,
    )


def test_unions_list_is_public_and_has_the_contract_fields(client, core):
    rows = client.get("/api/v1/unions").json()
    by_id = {row["id"]: row for row in rows}
    union = by_id[core["union"].pk]
    assert {"id", "name", "kind", "parent_id", "region", "industry"} <= union.keys()
    assert union["kind"] == "industry" and union["parent_id"] == core["district"].pk
    assert by_id[core["regional"].pk]["kind"] == "regional"
    assert by_id[core["enterprise"].pk]["kind"] == "enterprise"
    only = client.get("/api/v1/unions?kind=regional").json()
    assert [row["id"] for row in only] == [core["regional"].pk]


@pytest.mark.parametrize("fmt", ["png", "svg"])
def test_join_qr_decodes_to_the_absolute_join_url(client, core, fmt, tmp_path):
    response = client.get(f"/api/v1/unions/{core['union'].pk}/join-qr?format={fmt}")
    assert response.status_code == 200
    assert response["Content-Type"] == ("image/png" if fmt == "png" else "image/svg+xml")
    url = response["X-Join-Url"]
    assert url.startswith("http://testserver/join/")
    if fmt == "png":
        path = tmp_path / "qr.png"
        path.write_bytes(response.content)
        decoded = zxingcpp.read_barcodes(Image.open(path))
        assert [d.text for d in decoded] == [url]
    else:
        assert response.content.lstrip().startswith(b"<?xml")
    # Opening the URL shows the join page (anonymous: sign up or log in first).
    page = client.get(url.removeprefix("http://testserver"))
    assert page.status_code == 200 and core["union"].name in page.content.decode()


def test_join_qr_errors(client, core):
    assert client.get("/api/v1/unions/999999/join-qr").status_code == 404
    assert client.get(f"/api/v1/unions/{core['union'].pk}/join-qr?format=gif").status_code == 422
    extra = services.join_code_create(union=core["union"], actor=core["union_admin"], source="站点")
    path = f"/api/v1/unions/{core['union'].pk}/join-qr?code_id={extra.pk}"
    assert client.get(path).status_code == 403
    client.force_login(core["union_admin"])
    assert client.get(path).status_code == 200


def test_apply_needs_login(client, core):
    response = post(client, "/api/v1/memberships/apply", {"token": token_for(core["union"])})
    assert response.status_code == 401


def test_apply_201_then_duplicate_409(client, core):
    client.force_login(new_user())
    body = {"token": token_for(core["union"]), **application()}
    response = post(client, "/api/v1/memberships/apply", body)
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "pending"
    assert Membership.objects.get(pk=response.json()["id"]).union == core["union"]
    again = post(client, "/api/v1/memberships/apply", body)
    assert again.status_code == 409 and again.json()["code"] == "duplicate_application"


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"token": "1.1:forged"}, "token_invalid"),
        ({"id_number": "310115199206150010"}, "invalid_id_number"),
        ({"phone": "12345"}, "invalid_phone"),
        ({"consent": False}, "consent_required"),
        ({"worker_type": "boss"}, "invalid_worker_type"),
    ],
)
def test_apply_bad_input_422(client, core, change, code):
    client.force_login(new_user())
    body = {"token": token_for(core["union"]), **application(), **change}
    response = post(client, "/api/v1/memberships/apply", body)
    assert response.status_code == 422
    assert response.json()["code"] == code and response.json()["detail"]
    assert not Membership.objects.filter(status="pending").exists()


def test_apply_missing_fields_is_422(client, core):
    client.force_login(new_user())
    response = post(client, "/api/v1/memberships/apply", {"full_name": "x"})
    assert response.status_code == 422


def test_apply_with_rotated_token_422(client, core):
    token = token_for(core["union"])
    services.join_code_rotate(
        code=JoinCode.objects.get(union=core["union"], is_default=True), actor=core["union_admin"]
    )
    client.force_login(new_user())
    response = post(client, "/api/v1/memberships/apply", {"token": token, **application()})
    assert response.status_code == 422 and response.json()["code"] == "token_rotated"


def test_apply_while_active_elsewhere_offers_transfer(client, core):
    client.force_login(core["riders"][0])
    body = {"token": token_for(core["regional"]), **application()}
    response = post(client, "/api/v1/memberships/apply", body)
    assert response.status_code == 409 and response.json()["code"] == "transfer_instead"


def test_approve_and_reject_permissions(client, core):
    membership = apply(new_user(), core["union"])
    path = f"/api/v1/memberships/{membership.pk}/approve"
    assert post(client, path).status_code == 401
    client.force_login(core["riders"][0])
    assert post(client, path).status_code == 403
    client.force_login(staff_of(core["enterprise"]))
    response = post(client, path)
    assert response.status_code == 403 and response.json()["code"] == "forbidden"
    client.force_login(core["union_admin"])
    response = post(client, path)
    assert response.status_code == 200
    assert response.json()["status"] == "active" and response.json()["member_no"]
    assert post(client, path).status_code == 409
    assert post(client, "/api/v1/memberships/999999/approve").status_code == 404


def test_reject_requires_reason(client, core):
    membership = apply(new_user(), core["union"])
    client.force_login(core["union_admin"])
    path = f"/api/v1/memberships/{membership.pk}/reject"
    assert post(client, path, {"reason": ""}).status_code == 422
    response = post(client, path, {"reason": "Not a worker of this industry"})
    assert response.status_code == 200 and response.json()["status"] == "rejected"
    assert post(client, path, {"reason": "again"}).status_code == 409


def test_pending_list_is_scoped(client, core):
    mine = apply(new_user(), core["union"])
    theirs = apply(new_user(), core["enterprise"])
    client.force_login(core["union_admin"])
    ids = [row["id"] for row in client.get("/api/v1/memberships/pending").json()]
    assert mine.pk in ids and theirs.pk not in ids
    row = next(r for r in client.get("/api/v1/memberships/pending").json() if r["id"] == mine.pk)
    assert row["id_number"].count("*") == 11
    client.force_login(core["riders"][0])
    assert client.get("/api/v1/memberships/pending").json() == []


def test_me_membership(client, core):
    assert client.get("/api/v1/me/membership").status_code == 401
    client.force_login(new_user())
    assert client.get("/api/v1/me/membership").status_code == 404
    rider = core["riders"][0]
    membership = Membership.objects.get(user=rider)
    client.force_login(rider)
    data = client.get("/api/v1/me/membership").json()
    assert data["union_id"] == core["union"].pk and data["status"] == "active"
    assert data["member_no"] == membership.member_no
    assert data["since"] == membership.since.isoformat()
    assert data["card_qr_url"].startswith("http://testserver/")
    assert membership.id_number not in json.dumps(data)
    assert data["id_number"] == membership.id_number[:3] + "*" * 11 + membership.id_number[-4:]
    qr = client.get(data["card_qr_url"].removeprefix("http://testserver"))
    assert qr.status_code == 200 and qr["Content-Type"] == "image/png"


def test_transfer_flow_over_the_api(client, core):
    rider = core["riders"][0]
    old = Membership.objects.get(user=rider)
    client.force_login(rider)
    response = post(client, "/api/v1/me/transfer", {"token": token_for(core["regional"])})
    assert response.status_code == 201 and response.json()["status"] == "pending"
    transfer_id = response.json()["id"]
    assert (
        post(client, "/api/v1/me/transfer", {"token": token_for(core["enterprise"])}).status_code
        == 409
    )
    assert post(client, "/api/v1/me/transfer", {"token": "x"}).status_code == 422
    path = f"/api/v1/transfers/{transfer_id}/approve"
    assert post(client, path).status_code == 403  # the member themself
    client.force_login(core["union_admin"])  # staff of the old union, not the new one
    assert post(client, path).status_code == 403
    assert transfer_id in [t["id"] for t in client.get("/api/v1/transfers").json()]
    client.force_login(staff_of(core["regional"]))
    response = post(client, path)
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "approved"
    assert response.json()["since"] == old.since.isoformat()
    assert post(client, path).status_code == 409
    client.force_login(rider)
    data = client.get("/api/v1/me/membership").json()
    assert data["union_id"] == core["regional"].pk and data["since"] == old.since.isoformat()
    old.refresh_from_db()
    assert old.status == "transferred"


def test_transfer_reject_and_404(client, core):
    rider = core["riders"][1]
    client.force_login(rider)
    transfer_id = post(
        client, "/api/v1/me/transfer", {"token": token_for(core["regional"])}
    ).json()["id"]
    client.force_login(staff_of(core["regional"]))
    assert (
        post(client, f"/api/v1/transfers/{transfer_id}/reject", {"reason": ""}).status_code == 422
    )
    response = post(client, f"/api/v1/transfers/{transfer_id}/reject", {"reason": "No"})
    assert response.status_code == 200 and response.json()["status"] == "rejected"
    assert post(client, "/api/v1/transfers/999999/approve").status_code == 404
    assert Transfer.objects.get(pk=transfer_id).status == "rejected"


def test_transfer_by_non_member_is_422(client, core):
    client.force_login(new_user())
    response = post(client, "/api/v1/me/transfer", {"token": token_for(core["regional"])})
    assert response.status_code == 422 and response.json()["code"] == "not_a_member"


def test_assign_from_pool(client, core):
    general = services.join_code_ensure_default(union=core["federation"])
    from unionhome.membership import selectors

    client.force_login(new_user())
    body = {"token": selectors.join_token(code=general), **application()}
    created = post(client, "/api/v1/memberships/apply", body).json()
    client.force_login(core["union_admin"])
    assert post(client, f"/api/v1/memberships/{created['id']}/assign").status_code == 403
    client.force_login(staff_of(core["district"]))
    response = post(client, f"/api/v1/memberships/{created['id']}/assign")
    assert response.status_code == 200 and response.json()["union_id"] == core["regional"].pk


def test_export_and_deletion_request(client, core):
    rider = core["riders"][0]
    client.force_login(rider)
    data = client.get("/api/v1/me/export").json()
    assert data["memberships"][0]["member_no"] == "WM000001"
    assert post(client, "/api/v1/me/deletion-request").status_code == 201
    assert post(client, "/api/v1/me/deletion-request").status_code == 409


def test_join_codes_listing_for_staff_only(client, core):
    services.join_code_create(union=core["union"], actor=core["union_admin"], source="活动")
    path = f"/api/v1/unions/{core['union'].pk}/join-codes"
    client.force_login(core["riders"][0])
    assert client.get(path).status_code == 403
    client.force_login(core["union_admin"])
    rows = client.get(path).json()
    assert {row["source"] for row in rows} >= {"活动", ""}
    assert all(row["join_url"].startswith("http://testserver/join/") for row in rows)
