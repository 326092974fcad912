import json

import pytest
from django.test import override_settings

from unionhome.accounts.phones import normalize_mainland_mobile
from unionhome.core.errors import DomainError
from unionhome.core.idcard import id_number_problem, make_id_number

pytestmark = pytest.mark.django_db


def test_api_openapi_and_docs_are_served(client):
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    assert schema.json()["info"]["title"] == "Union e-Home API"
    assert client.get("/api/v1/docs").status_code == 200


def test_health_is_public(client):
    assert client.get("/api/v1/health").json() == {"status": "ok"}


def test_app_login_returns_session_token_that_api_accepts(client, demo):
    response = client.post(
        "/_allauth/app/v1/auth/login",
        data=json.dumps({"username": "rider1", "password": "demo-pass-2026"}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    token = response.json()["meta"]["session_token"]
    assert token


def test_app_login_by_phone(client, demo):
    response = client.post(
        "/_allauth/app/v1/auth/login",
        data=json.dumps({"phone": "+8613800138001", "password": "demo-pass-2026"}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content


def test_wrong_password_is_refused(client, demo):
    response = client.post(
        "/_allauth/app/v1/auth/login",
        data=json.dumps({"username": "rider1", "password": "nope"}),
        content_type="application/json",
    )
    assert response.status_code == 400


def test_mainland_mobile_normalisation():
    assert normalize_mainland_mobile("13800138000") == "+8613800138000"
    assert normalize_mainland_mobile("+86 138-0013-8000") == "+8613800138000"
    for bad in ("12345", "02112345678", "+14155550100", ""):
        with pytest.raises(DomainError):
            normalize_mainland_mobile(bad)


def test_id_number_check_digit():
    import datetime as dt

    good = make_id_number("110105", dt.date(1990, 1, 1), 123)
    assert id_number_problem(good) is None
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    assert id_number_problem(wrong) == "checksum"
    assert id_number_problem("11010519900101123") == "length"
    assert id_number_problem("990105199001011234") == "province"
    assert id_number_problem(
        make_id_number("110105", dt.date(1990, 1, 1), 1)[:10] + "1340" + "0011"
    ) in {
        "birth_date",
        "checksum",
    }


def test_chinese_is_default_and_english_under_en(client, demo):
    zh = client.get("/accounts/login/")
    en = client.get("/en/accounts/login/")
    assert zh.status_code == 200 and en.status_code == 200
    assert 'lang="zh-Hans"' in zh.content.decode()
    assert 'lang="en"' in en.content.decode()


@override_settings(MFA_REQUIRED_FOR_STAFF=True)
def test_staff_without_mfa_are_sent_to_enrol(client, demo):
    client.login(username="union_admin", password="demo-pass-2026")
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/accounts/2fa/totp/activate" in response["Location"]
    api = client.get("/api/v1/health")
    assert api.status_code == 403
    assert api.json()["code"] == "mfa_required"


@override_settings(MFA_REQUIRED_FOR_STAFF=True)
def test_members_are_not_forced_into_mfa(client, demo):
    client.login(username="rider1", password="demo-pass-2026")
    assert client.get("/accounts/login/").status_code == 302
    assert client.get("/en/accounts/2fa/").status_code == 200


def test_wagtail_admin_login_goes_through_allauth(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_language_switcher_moves_to_the_english_url(client, demo):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/login/"
    back = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/en/accounts/login/"})
    assert back["Location"] == "/accounts/login/"


def test_role_groups_exist_and_staff_groups_reach_the_admin(db):
    from unionhome.core import roles

    groups = roles.ensure_groups()
    assert set(groups) == set(roles.ROLE_GROUPS)
    admin_access = {
        name
        for name, group in groups.items()
        if group.permissions.filter(codename="access_admin").exists()
    }
    assert roles.FEDERATION_STAFF in admin_access and roles.UNION_STAFF in admin_access
    assert roles.NEGOTIATORS not in admin_access


def test_role_selectors(demo):
    from unionhome.core import roles

    union_admin, rider = demo["union_admin"], demo["riders"][0]
    assert roles.is_federation_staff(demo["admin"])
    assert not roles.is_federation_staff(union_admin)
    assert roles.is_union_staff(union_admin, demo["union"])
    assert not roles.is_union_staff(union_admin, demo["regional"])
    assert not roles.is_union_staff(rider, demo["union"])
    assert roles.active_membership(rider).union == demo["union"]
    assert roles.active_membership(union_admin) is None
    assert roles.is_negotiator(demo["union_side"][0]) and not roles.is_negotiator(rider)
    assert roles.is_volunteer(demo["volunteers"][0]) and not roles.is_volunteer(rider)


@pytest.mark.parametrize(
    ("url", "language", "expected"),
    [
        ("/", "en", "/en/"),
        ("/en/", "zh-hans", "/"),
        ("/en", "zh-hans", "/"),
        ("/ballots/3/?x=1", "en", "/en/ballots/3/?x=1"),
        ("/en/ballots/3/?x=1", "zh-hans", "/ballots/3/?x=1"),
        ("/english-news/", "zh-hans", "/english-news/"),
        ("/en/a/", "en", "/en/a/"),
    ],
)
def test_localized_path(url, language, expected):
    from unionhome.core.language import localized_path

    assert localized_path(url, language, default="zh-hans", languages=["zh-hans", "en"]) == expected


def test_language_switcher_refuses_foreign_next_urls(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "https://evil.example/"})
    assert response["Location"] == "/en/"


def test_header_links_each_language_version_of_the_current_page(client, demo):
    zh = client.get("/accounts/login/?next=/ballots/").content.decode()
    assert 'href="/en/accounts/login/?next=/ballots/"' in zh
    en = client.get("/en/accounts/login/").content.decode()
    assert 'href="/accounts/login/"' in en
    assert 'aria-current="true" lang="en"' in en


def test_union_subtree_is_read_in_one_query(demo, django_assert_num_queries):
    from unionhome.core import roles
    from unionhome.membership import selectors

    district, federation = demo["district"], demo["federation"]
    below_district = {demo["union"].pk, demo["regional"].pk, demo["enterprise"].pk, district.pk}
    with django_assert_num_queries(1):
        assert roles.union_subtree_ids({district.pk}) >= below_district
    assert federation.pk not in roles.union_subtree_ids({district.pk})
    with django_assert_num_queries(2):
        districts = selectors.union_districts(union=federation)
    assert district in districts
