"""The Wagtail admin screens: scoped per role, actions go through the services."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.membership.helpers import apply, new_user, staff_of, token_for
from unionhome.membership import personal_data, services
from unionhome.membership.models import DeletionRequest, JoinCode, Membership, Transfer

pytestmark = pytest.mark.django_db


@pytest.fixture
def core(db):
    from unionhome.core.demo import seed_core

    return seed_core()


def content(response):
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def test_member_directory_is_scoped_and_masked(client, core):
    other = apply(new_user(), core["enterprise"], full_name="别的工会的人")
    services.membership_approve(membership=other, actor=core["admin"])
    client.force_login(core["union_admin"])
    page = content(client.get("/admin/members/"))
    rider = Membership.objects.get(user=core["riders"][0])
    assert rider.full_name in page and "别的工会的人" not in page
    assert rider.id_number not in page
    assert client.get(f"/admin/members/inspect/{other.pk}/").status_code == 404
    inspect = content(client.get(f"/admin/members/inspect/{rider.pk}/"))
    assert rider.id_number not in inspect and rider.id_number[-4:] in inspect
    csv = content(client.get("/admin/members/?export=csv"))
    assert rider.member_no in csv and "别的工会的人" not in csv and rider.id_number not in csv
    assert client.get("/admin/members/?export=xlsx").status_code == 200
    filtered = content(client.get("/admin/members/?status=pending"))
    assert rider.full_name not in filtered


def test_member_directory_search_and_filters(client, core):
    client.force_login(core["union_admin"])
    page = content(client.get("/admin/members/?q=WM000002"))
    assert "王芳" in page and "张伟" not in page
    page = content(client.get("/admin/members/?worker_type=labour_contract"))
    assert "王芳" in page and "张伟" not in page


def test_federation_staff_sees_all(client, core):
    other = apply(new_user(), core["enterprise"], full_name="别的工会的人")
    client.force_login(core["admin"])
    page = content(client.get("/admin/membership/applications/"))
    assert "别的工会的人" in page
    assert client.get(f"/admin/unions/edit/{core['federation'].pk}/").status_code == 200
    assert other.pk


def test_members_and_outsiders_have_no_admin(client, core):
    client.force_login(core["riders"][0])
    for path in ("/admin/membership/applications/", "/admin/members/", "/admin/unions/"):
        assert client.get(path).status_code == 302


def test_union_staff_edit_only_their_subtree(client, core):
    client.force_login(core["union_admin"])
    assert client.get(f"/admin/unions/edit/{core['union'].pk}/").status_code == 200
    assert client.get(f"/admin/unions/edit/{core['enterprise'].pk}/").status_code == 404
    listing = content(client.get("/admin/unions/"))
    assert core["union"].name in listing and core["enterprise"].name not in listing
    assert client.get("/admin/members/edit/1/").status_code == 302


def test_approve_and_reject_from_the_admin(client, core):
    first = apply(new_user(), core["union"], full_name="甲申请人")
    second_user = new_user()
    from tests.membership.helpers import valid_id

    second = apply(second_user, core["union"], full_name="乙申请人", id_number=valid_id(55))
    mine_not = apply(new_user(), core["enterprise"], full_name="丙申请人", id_number=valid_id(56))
    client.force_login(core["union_admin"])
    page = content(client.get("/admin/membership/applications/"))
    assert "甲申请人" in page and "丙申请人" not in page
    client.post(f"/admin/membership/applications/{first.pk}/approve/")
    client.post(f"/admin/membership/applications/{second.pk}/reject/", {"reason": "信息不实"})
    assert client.post(f"/admin/membership/applications/{mine_not.pk}/approve/").status_code == 404
    first.refresh_from_db()
    second.refresh_from_db()
    mine_not.refresh_from_db()
    assert first.status == "active" and second.status == "rejected"
    assert mine_not.status == "pending"


def test_pool_assignment_from_the_admin(client, core):
    from tests.membership.helpers import application
    from unionhome.membership import selectors

    general = services.join_code_ensure_default(union=core["federation"])
    membership = services.membership_apply(
        user=new_user(), token=selectors.join_token(code=general), **application()
    )
    client.force_login(staff_of(core["district"]))
    page = content(client.get("/admin/membership/applications/"))
    assert f'data-application="{membership.pk}"' in page and "assign" in page
    client.post(
        f"/admin/membership/applications/{membership.pk}/assign/",
        {f"a{membership.pk}-union": core["enterprise"].pk},
    )
    membership.refresh_from_db()
    assert membership.union == core["enterprise"] and not membership.in_pool


def test_transfers_screen(client, core):
    rider = core["riders"][0]
    transfer = services.transfer_request(user=rider, token=token_for(core["regional"]))
    client.force_login(core["union_admin"])  # the old union sees it but cannot approve
    page = content(client.get("/admin/membership/transfers/"))
    assert f'data-transfer="{transfer.pk}"' not in page and rider.first_name in page
    client.post(f"/admin/membership/transfers/{transfer.pk}/approve/")
    assert Transfer.objects.get(pk=transfer.pk).status == "pending"
    client.force_login(staff_of(core["regional"]))
    page = content(client.get("/admin/membership/transfers/"))
    assert f'data-transfer="{transfer.pk}"' in page
    client.post(f"/admin/membership/transfers/{transfer.pk}/approve/")
    assert Transfer.objects.get(pk=transfer.pk).status == "approved"


def test_join_codes_screen_writes_nothing_on_get(client, core):
    from unionhome.membership.models import Union

    # A union from before codes came with unions (its code removed): the page must not make one.
    bare = Union.objects.create(name="无码工会", kind="enterprise", parent=core["union"])
    JoinCode.objects.filter(union=bare).delete()
    client.force_login(core["union_admin"])
    before = JoinCode.objects.count()
    assert client.get("/admin/membership/join-codes/").status_code == 200
    assert JoinCode.objects.count() == before
    assert not JoinCode.objects.filter(union=bare).exists()


def test_join_codes_screen_create_rotate_and_download(client, core):
    client.force_login(core["union_admin"])
    page = content(client.get("/admin/membership/join-codes/"))
    assert core["union"].name in page and core["enterprise"].name not in page
    client.post(
        "/admin/membership/join-codes/new/", {"union": core["union"].pk, "source": "骑手驿站"}
    )
    code = JoinCode.objects.get(source="骑手驿站")
    assert "骑手驿站" in content(client.get("/admin/membership/join-codes/"))
    png = client.get(f"/admin/membership/join-codes/{code.pk}/qr/")
    assert png["Content-Type"] == "image/png"
    client.post(f"/admin/membership/join-codes/{code.pk}/rotate/")
    code.refresh_from_db()
    assert code.version == 2
    foreign = services.join_code_ensure_default(union=core["enterprise"])
    assert client.post(f"/admin/membership/join-codes/{foreign.pk}/rotate/").status_code == 404
    client.post(
        "/admin/membership/join-codes/new/", {"union": core["enterprise"].pk, "source": "x"}
    )
    assert not JoinCode.objects.filter(union=core["enterprise"], source="x").exists()


def test_import_screen_shows_report(client, core):
    client.force_login(core["union_admin"])
    from tests.membership.test_import import good_id

    upload = SimpleUploadedFile(
        "m.csv",
        f"full_name,phone,id_number,worker_type\n甲,13912349999,{good_id(3)},independent\n乙,1,x,y\n".encode(),
    )
    response = client.post(
        "/admin/membership/imports/", {"union": core["union"].pk, "file": upload}
    )
    assert response.status_code == 302
    page = content(client.get(response["Location"]))
    assert "invalid_phone" in page and 'data-status="done"' in page


def test_deletion_requests_screen(client, core):
    rider = core["riders"][3]
    request = personal_data.deletion_request_create(user=rider)
    client.force_login(staff_of(core["enterprise"]))
    assert f'data-deletion="{request.pk}"' not in content(
        client.get("/admin/membership/deletions/")
    )
    client.force_login(core["union_admin"])
    assert f'data-deletion="{request.pk}"' in content(client.get("/admin/membership/deletions/"))
    client.post(f"/admin/membership/deletions/{request.pk}/carry-out/")
    assert DeletionRequest.objects.get(pk=request.pk).status == "done"


def test_dashboard_panel_counts(client, core):
    apply(new_user(), core["union"])
    client.force_login(core["union_admin"])
    page = content(client.get("/admin/"))
    assert "membership-panel" in page


def test_union_staff_add_staff_and_child_unions_in_their_subtree(client, core):
    from unionhome.core import roles
    from unionhome.membership.models import Union, UnionStaff

    district_staff = staff_of(core["district"])
    client.force_login(district_staff)
    newcomer = new_user("newcomer")
    response = client.post(
        "/admin/union-staff/new/",
        {"union": core["regional"].pk, "user": newcomer.pk, "title": "干事"},
    )
    assert response.status_code == 302
    newcomer.refresh_from_db()
    assert newcomer.is_staff and roles.is_union_staff(newcomer, core["regional"])
    # Not outside their subtree.
    client.post(
        "/admin/union-staff/new/",
        {"union": core["federation"].pk, "user": newcomer.pk, "title": "x"},
    )
    assert not UnionStaff.objects.filter(union=core["federation"], user=newcomer).exists()
    listing = content(client.get("/admin/union-staff/"))
    assert "newcomer" in listing and "union_admin" in listing
    client.force_login(core["union_admin"])
    assert "newcomer" not in content(client.get("/admin/union-staff/"))
    # A child union under their own; never a new district or a union elsewhere.
    client.force_login(district_staff)
    client.post(
        "/admin/unions/new/",
        {"name": "新企业工会", "kind": "enterprise", "parent": core["district"].pk},
    )
    created = Union.objects.get(name="新企业工会")
    assert created.parent == core["district"]
    # Its default join code is made with it, so the join-code page has nothing to write.
    assert JoinCode.objects.filter(union=created, is_default=True).count() == 1
    client.force_login(core["union_admin"])
    client.post(
        "/admin/unions/new/",
        {"name": "越权工会", "kind": "district", "parent": core["federation"].pk},
    )
    assert not Union.objects.filter(name="越权工会").exists()
