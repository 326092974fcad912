"""The member pages: join (anonymous, signup by phone, form, transfer), card, verify, poster."""

import json
import re

import pytest

from tests.membership.helpers import apply, new_user, staff_of, token_for, valid_id
from unionhome.core import sms
from unionhome.membership import selectors, services
from unionhome.membership.models import JoinCode, Membership, Transfer

pytestmark = pytest.mark.django_db


@pytest.fixture
def core(db):
    from unionhome.core.demo import seed_core

    return seed_core()


def join_path(union):
    return f"/join/{token_for(union)}/"


def form_data(**overrides):
    data = {
        "full_name": "新骑手",
        "phone": "13912340000",
        "id_number": valid_id(21),
        "worker_type": "written_agreement",
        "occupation": "外卖骑手",
        "platform": "示范即送",
        "city": "示范市",
        "consent": "on",
    }
    data.update(overrides)
    return data


def test_anonymous_join_page_signs_up_in_place_and_offers_login(client, core):
    path = join_path(core["union"])
    page = client.get(path).content.decode()
    assert core["union"].name in page
    # Signing up (number and code) happens on the join screen itself, posting back to it.
    assert f'<form method="post" action="{path}" class="join-phone"' in page
    assert "/accounts/signup/?next=" not in page and "/accounts/login/?next=" in page


def test_phone_signup_then_apply_in_one_flow(client, core):
    path = join_path(core["union"])
    sms.outbox.clear()
    response = client.post(
        "/accounts/signup/",
        {
            "phone": "13912340000",
            "username": "newrider",
            "password1": "Xk29-pass-word",
            "next": path,
        },
    )
    assert response.status_code == 302
    verify_url = response["Location"]
    code = re.search(r"\b(\d{6})\b", sms.outbox[-1][1]).group(1)
    response = client.post(verify_url, {"code": code})
    assert response.status_code == 302 and response["Location"] == path
    form = client.get(path).content.decode()
    assert 'name="id_number"' in form and 'value="13912340000"' in form
    assert "/privacy/" in form
    response = client.post(path, form_data())
    assert response.status_code == 302 and response["Location"] == "/membership/"
    membership = Membership.objects.get(user__phone_number__phone="+8613912340000")
    assert membership.status == "pending" and membership.union == core["union"]
    assert "waiting for the union" in client.get("/en/membership/").content.decode()


def test_form_errors_are_shown_and_nothing_stored(client, core):
    client.force_login(new_user())
    path = join_path(core["union"])
    bad_id = valid_id(21)[:17] + ("0" if valid_id(21)[17] != "0" else "1")
    page = client.post("/en" + path, form_data(id_number=bad_id)).content.decode()
    assert "check digit" in page
    page = client.post("/en" + path, form_data(phone="12345")).content.decode()
    assert "valid mainland mobile" in page
    data = form_data()
    del data["consent"]
    assert client.post(path, data).status_code == 200
    assert not Membership.objects.filter(status="pending").exists()


@pytest.mark.parametrize("kind", ["forged", "rotated", "expired"])
def test_bad_token_pages(client, core, kind):
    union = core["union"]
    if kind == "forged":
        path = "/en/join/1.1:forgedsignature/"
    elif kind == "rotated":
        path = "/en" + join_path(union)
        services.join_code_rotate(
            code=JoinCode.objects.get(union=union, is_default=True), actor=core["union_admin"]
        )
    else:
        import datetime as dt

        from django.utils import timezone

        code = services.join_code_create(
            union=union,
            actor=core["union_admin"],
            source="活动",
            expires_at=timezone.now() - dt.timedelta(days=1),
        )
        path = f"/en/join/{selectors.join_token(code=code)}/"
    client.force_login(new_user())
    response = client.get(path)
    assert response.status_code == 422
    assert "cannot be used" in response.content.decode()
    response = client.post(path, form_data())
    assert response.status_code == 422
    assert not Membership.objects.filter(status="pending").exists()


def test_active_member_is_offered_a_transfer(client, core):
    rider = core["riders"][0]
    client.force_login(rider)
    path = join_path(core["regional"])
    page = client.get("/en" + path).content.decode()
    assert "Transfer my membership" in page
    response = client.post(path + "transfer/")
    assert response.status_code == 302
    transfer = Transfer.objects.get(user=rider)
    assert transfer.to_union == core["regional"] and transfer.status == "pending"
    page = client.get("/en/membership/").content.decode()
    assert "waiting for its staff" in page
    client.post(f"/membership/transfers/{transfer.pk}/cancel/")
    transfer.refresh_from_db()
    assert transfer.status == "cancelled"


def test_membership_card_shows_masked_id_and_qr(client, core):
    rider = core["riders"][0]
    membership = Membership.objects.get(user=rider)
    client.force_login(rider)
    page = client.get("/membership/").content.decode()
    assert membership.member_no in page and "<svg" in page
    assert membership.id_number not in page
    assert membership.id_number[:3] + "*" * 11 + membership.id_number[-4:] in page


def test_verify_page_for_staff_only(client, core):
    membership = Membership.objects.get(user=core["riders"][0])
    path = selectors.card_url(membership=membership, base_url="")
    response = client.get(path)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(core["riders"][1])
    assert client.get(path).status_code == 403
    client.force_login(staff_of(core["union"]))
    page = client.get(path).content.decode()
    assert membership.full_name in page and 'data-status="active"' in page
    assert membership.id_number not in page and membership.phone not in page
    assert client.get(path.replace(membership.member_no, "WM999999")).status_code == 404


def test_verify_page_outside_the_members_union_shows_only_union_and_status(client, core):
    """Least privilege (docs/security.md): staff of another union (here a sibling under the
    same district) learn that the card is a valid card of union A, not who holds it."""
    membership = Membership.objects.get(user=core["riders"][0])
    path = selectors.card_url(membership=membership, base_url="")
    client.force_login(staff_of(core["enterprise"]))
    page = client.get(path).content.decode()
    assert core["union"].name in page and 'data-status="active"' in page
    assert 'data-card-scope="union-only"' in page
    assert membership.full_name not in page
    assert "*" * 11 not in page and membership.phone not in page
    # Staff of the district above the member's union still see who it is.
    client.force_login(staff_of(core["district"]))
    page = client.get(path).content.decode()
    assert membership.full_name in page and "data-card-scope" not in page


def test_privacy_page_in_both_languages(client, core):
    zh = client.get("/privacy/")
    en = client.get("/en/privacy/")
    assert zh.status_code == en.status_code == 200
    assert "Privacy notice" in en.content.decode()
    assert 'id="retention"' in zh.content.decode()


def test_union_page_and_a4_poster(client, core):
    union = core["union"]
    page = client.get(f"/unions/{union.pk}/").content.decode()
    assert union.name in page and "<svg" in page and f"/unions/{union.pk}/poster/" in page
    poster = client.get(f"/unions/{union.pk}/poster/").content.decode()
    assert union.name in poster and "扫码" in poster and "<svg" in poster
    assert "size: A4" in (client.get("/static/unionhome/membership.css").getvalue().decode())
    extra = services.join_code_create(union=union, actor=core["union_admin"], source="站点A")
    assert client.get(f"/unions/{union.pk}/poster/{extra.pk}/").status_code == 403
    client.force_login(core["union_admin"])
    assert "站点A" in client.get(f"/unions/{union.pk}/poster/{extra.pk}/").content.decode()


def test_export_and_deletion_pages(client, core):
    rider = core["riders"][0]
    client.force_login(rider)
    response = client.get("/membership/export/")
    assert response["Content-Type"] == "application/json"
    data = json.loads(
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    assert data["account"]["username"] == "rider1"
    assert client.get("/membership/delete/").status_code == 200
    client.post("/membership/delete/", {"note": "请删除"})
    assert rider.deletion_requests.filter(status="pending").exists()


def test_pending_applicant_is_sent_to_the_membership_page(client, core):
    user = new_user()
    apply(user, core["union"])
    client.force_login(user)
    response = client.get(join_path(core["union"]))
    assert response.status_code == 302 and response["Location"] == "/membership/"


def test_general_code_form_asks_for_the_district_only_when_needed(client, core):
    general = services.join_code_ensure_default(union=core["federation"])
    client.force_login(new_user())
    path = f"/join/{selectors.join_token(code=general)}/"
    page = client.get(path).content.decode()
    assert 'name="district"' not in page  # one district: chosen automatically
    client.post(path, form_data())
    membership = Membership.objects.get(status="pending")
    assert membership.in_pool and membership.union == core["district"]


def test_pages_are_chinese_by_default(client, core):
    client.force_login(core["riders"][0])
    zh = client.get("/membership/").content.decode()
    en = client.get("/en/membership/").content.decode()
    assert "会员证" in zh and "会员号" in zh
    assert "Membership card" in en and "会员证" not in en
    assert "隐私声明" in client.get("/privacy/").content.decode()


def test_a_new_union_has_its_join_code_from_the_start(core):
    from unionhome.membership.models import Union

    union = Union.objects.create(name="新成立的工会", kind="enterprise", parent=core["district"])
    code = JoinCode.objects.get(union=union, is_default=True)
    assert code.kind == "union"
    district = Union.objects.create(name="新区总工会", kind="district", parent=core["federation"])
    assert JoinCode.objects.get(union=district, is_default=True).kind == "general"


def test_join_code_pages_only_read_on_get(client, core):
    """A union without its main code (made before codes came with unions) is shown without
    one; nothing is written on a GET."""
    union = core["enterprise"]
    JoinCode.objects.filter(union=union).delete()
    page = client.get(f"/unions/{union.pk}/")
    assert page.status_code == 200
    assert "还没有入会码" in page.content.decode()
    assert client.get(f"/unions/{union.pk}/poster/").status_code == 404
    qr = client.get(f"/api/v1/unions/{union.pk}/join-qr")
    assert qr.status_code == 404
    assert qr.json()["detail"]
    assert not JoinCode.objects.filter(union=union).exists()
    # The backfill run after migrations gives it one.
    assert services.join_codes_ensure_all() == 1
    assert JoinCode.objects.filter(union=union, is_default=True).count() == 1
    assert services.join_codes_ensure_all() == 0
