"""Care pages: the member's page, the staff file page, the station desk, the member's claim
by station code, the campaign news page and the admin dashboard, per role."""

import pytest
from django.utils import timezone

from tests.care.conftest import apply, registered
from tests.care.test_services import png_bytes
from unionhome.care import campaigns
from unionhome.care.models import Claim, FileStatus, HardshipFile
from unionhome.membership import selectors as membership_selectors

pytestmark = pytest.mark.django_db


def test_member_applies_on_the_page_with_a_document(client, care):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(care.rider2)
    page = client.get("/en/care/hardship/")
    assert page.status_code == 200 and b"Apply for hardship help" in page.content
    response = client.post(
        "/en/care/hardship/",
        {
            "cause": "family_illness",
            "household_size": 3,
            "income_per_head": "800",
            "district": "",
            "description": "母亲住院。",
            "documents": [SimpleUploadedFile("证明.png", png_bytes(), "image/png")],
        },
    )
    assert response.status_code == 302
    file = HardshipFile.objects.get(member=care.rider2)
    assert file.documents.count() == 1
    page = client.get("/en/care/hardship/")
    assert b"Submitted" in page.content and b"Apply for hardship help" not in page.content


def test_wrong_document_type_shows_an_error_and_writes_nothing(client, care):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(care.rider2)
    response = client.post(
        "/en/care/hardship/",
        {
            "cause": "other",
            "household_size": 1,
            "income_per_head": "800",
            "description": "x",
            "documents": [SimpleUploadedFile("a.txt", b"hello", "text/plain")],
        },
    )
    assert response.status_code == 200
    assert b"is not an image" in response.content
    assert not HardshipFile.objects.exists()


def test_staff_file_page_per_role_and_actions(client, care):
    file = apply(care.rider2)
    url = f"/en/care/staff/files/{file.pk}/"
    for user, status in ((care.rider1, 403), (care.rider2, 403), (care.other_staff, 404)):
        client.force_login(user)
        assert client.get(url).status_code == status, user.username
    client.force_login(care.union_admin)
    assert client.get(url).status_code == 200
    today = timezone.localdate().isoformat()
    client.post(url, {"action": "visit", "visit-visited_on": today, "visit-notes": "属实"})
    client.post(
        url, {"action": "decide", "decide-decision": "registered", "decide-level": "hardship"}
    )
    client.post(
        url,
        {
            "action": "aid",
            "aid-kind": "goods",
            "aid-amount": "200",
            "aid-given_on": today,
            "aid-fund": "送温暖资金",
        },
    )
    file.refresh_from_db()
    assert file.status == FileStatus.REGISTERED and file.aid.count() == 1
    declined = client.post(url, {"action": "decide", "decide-decision": "declined"})
    assert declined.status_code == 200  # the form is shown again with the error
    client.force_login(care.rider2)
    page = client.get("/en/care/hardship/")
    assert "送温暖资金" in page.content.decode()


def test_documents_are_served_only_to_the_member_and_their_union(client, care):
    file = apply(care.rider2, documents=[("诊断.png", png_bytes())])
    url = f"/en/care/documents/{file.documents.get().pk}/"
    for user, status in (
        (care.rider2, 200),
        (care.union_admin, 200),
        (care.rider1, 404),
        (care.other_staff, 404),
    ):
        client.force_login(user)
        assert client.get(url).status_code == status


def test_station_desk_scan_then_second_scan_refused(client, care):
    care.campaign.limit_per_member = 1
    care.campaign.save()
    url = f"/en/care/staff/campaigns/{care.campaign.pk}/stations/{care.station_a.pk}/"
    card = membership_selectors.card_url(membership=care.rider1.memberships.get(status="active"))
    client.force_login(care.other_staff)
    assert client.get(url).status_code == 404
    client.force_login(care.union_admin)
    first = client.post(url, {"card": card})
    assert first.status_code == 200 and b'data-result="ok"' in first.content
    second = client.post(url, {"card": card})
    assert second.status_code == 409 and b'data-result="refused"' in second.content
    stock = client.get(url + "stock/").json()
    assert stock == {"remaining": 4, "supplied": 5}
    client.post(url, {"visitor": "1"})
    assert Claim.objects.filter(member__isnull=True).count() == 1


def test_member_claims_by_station_code(client, care):
    token = campaigns.station_token(care.supply_a)
    client.force_login(care.rider3)
    url = f"/en/care/claim/{token}/"
    assert client.get(url).status_code == 200
    done = client.post(url)
    assert done.status_code == 200 and b"data-claim" in done.content
    client.post(url)
    refused = client.post(url)
    assert refused.status_code == 409
    assert Claim.objects.filter(member=care.rider3).count() == 2
    assert client.get("/en/care/claim/forged/").status_code == 404


def test_campaign_page_links_stations_with_stock(client, care):
    care.supply_b.remaining = 0
    care.supply_b.save()
    page = client.get("/en/care/campaigns/").content.decode()
    assert f"#station-{care.station_a.pk}" in page
    assert f"#station-{care.station_b.pk}" not in page


def test_admin_dashboard_and_export_per_role(client, care):
    registered(care)
    client.force_login(care.union_admin)
    page = client.get("/admin/care/")
    assert page.status_code == 200 and "困难" in page.content.decode()
    export = client.get("/admin/care/export.csv")
    assert export.status_code == 200
    assert care.rider2.memberships.get().id_number not in export.content.decode()
    client.force_login(care.rider1)
    assert client.get("/admin/care/").status_code == 302


def test_stations_page_shows_workers_homes_as_their_own_kind(client, care):
    from legalaid.models import Station

    Station.objects.create(
        union=care.union,
        name="即送职工之家",
        kind="workers_home",
        company="示范即送科技有限公司",
        offers="职工食堂\n心理咨询室",
        address="骑手路 88 号",
        district="浦江区",
    )
    page = client.get("/en/legal-aid/stations/").content.decode()
    homes = page[page.index('id="workers-homes"') :]
    assert "即送职工之家" in homes and "心理咨询室" in homes and "示范即送科技有限公司" in homes
    assert "骑手驿站（滨江）" not in homes
    assert "骑手驿站（滨江）" in page[: page.index('id="workers-homes"')]
