"""Service tests: every transition of applications, pool, transfers and personal data."""

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from tests.membership.helpers import (
    application,
    apply,
    new_user,
    staff_of,
    token_for,
    valid_id,
)
from unionhome.core import sms
from unionhome.core.errors import DomainError
from unionhome.membership import personal_data, selectors, services
from unionhome.membership.models import (
    DeletionRequest,
    JoinCode,
    JoinCodeKind,
    Membership,
    MembershipEvent,
    Notification,
    PhoneNumber,
    Transfer,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def core(db):
    from unionhome.core.demo import seed_core

    return seed_core()


def test_apply_creates_pending_with_code_and_history(core):
    user = new_user()
    membership = apply(user, core["union"])
    assert membership.status == "pending"
    assert membership.union == core["union"]
    assert membership.join_code.is_default
    assert membership.phone == "+8613912345678"
    assert membership.consent_at is not None
    assert list(membership.events.values_list("status", flat=True)) == ["pending"]


def test_id_number_is_encrypted_in_the_database(core):
    membership = apply(new_user(), core["union"])
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number FROM unionhome_membership WHERE id = %s", [membership.pk])
        (raw,) = cursor.fetchone()
    assert raw != membership.id_number and raw.startswith("gAAAA")
    assert Membership.objects.get(pk=membership.pk).id_number == valid_id(7)
    assert Membership.objects.filter(id_number_digest=membership.id_number_digest).count() == 1


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        (
            {"id_number": valid_id(7)[:17] + "0" if valid_id(7)[17] != "0" else "1"},
            "invalid_id_number",
        ),
        ({"id_number": "12345"}, "invalid_id_number"),
        ({"phone": "02112345678"}, "invalid_phone"),
        ({"consent": False}, "consent_required"),
        ({"worker_type": "freelancer"}, "invalid_worker_type"),
        ({"full_name": "  "}, "required"),
    ],
)
def test_bad_input_is_refused_and_nothing_stored(core, overrides, code):
    with pytest.raises(DomainError) as info:
        apply(new_user(), core["union"], **overrides)
    assert info.value.code == code and info.value.status == 422
    assert not Membership.objects.filter(status="pending").exists()


def test_rotated_expired_disabled_and_forged_tokens(core):
    union = core["union"]
    token = token_for(union)
    code = JoinCode.objects.get(union=union, is_default=True)
    staff = staff_of(union)
    services.join_code_rotate(code=code, actor=staff)
    for bad, expected in ((token, "token_rotated"), (token + "x", "token_invalid")):
        with pytest.raises(DomainError) as info:
            services.membership_apply(user=new_user(), token=bad, **application())
        assert info.value.code == expected and info.value.status == 422
    extra = services.join_code_create(
        union=union, actor=staff, source="驿站", expires_at=timezone.now() - dt.timedelta(hours=1)
    )
    with pytest.raises(DomainError) as info:
        selectors.join_code_from_token(token=selectors.join_token(code=extra))
    assert info.value.code == "token_expired"
    services.join_code_set_active(code=code, actor=staff, active=False)
    with pytest.raises(DomainError) as info:
        selectors.join_code_from_token(token=selectors.join_token(code=code))
    assert info.value.code == "token_disabled"
    assert not Membership.objects.filter(status="pending").exists()


def test_only_staff_of_the_union_manage_its_codes(core):
    outsider = staff_of(core["enterprise"])
    with pytest.raises(DomainError) as info:
        services.join_code_create(union=core["union"], actor=outsider, source="x")
    assert info.value.status == 403
    code = services.join_code_ensure_default(union=core["union"])
    with pytest.raises(DomainError):
        services.join_code_rotate(code=code, actor=outsider)


def test_extra_code_is_recorded_and_counted(core):
    union = core["union"]
    staff = staff_of(union)
    depot = services.join_code_create(union=union, actor=staff, source="浦江站点")
    services.membership_apply(
        user=new_user(), token=selectors.join_token(code=depot), **application()
    )
    apply(new_user(), union, id_number=valid_id(8))
    counts = {
        row["code"].pk: row["applications"]
        for row in selectors.join_code_counts(union_ids=[union.pk])
    }
    assert counts[depot.pk] == 1
    assert counts[services.join_code_ensure_default(union=union).pk] == 1


def test_duplicate_application_is_a_conflict(core):
    user = new_user()
    apply(user, core["union"])
    with pytest.raises(DomainError) as info:
        apply(user, core["union"])
    assert info.value.code == "duplicate_application" and info.value.status == 409
    with pytest.raises(DomainError) as info:
        apply(user, core["regional"])
    assert info.value.status == 409


def test_active_member_elsewhere_is_offered_a_transfer(core):
    rider = core["riders"][0]
    with pytest.raises(DomainError) as info:
        apply(rider, core["regional"])
    assert info.value.code == "transfer_instead" and info.value.status == 409
    with pytest.raises(DomainError) as info:
        apply(rider, core["union"])
    assert info.value.code == "already_member"


def test_approve_gives_member_number_and_notifies(core, django_capture_on_commit_callbacks):
    sms.outbox.clear()
    user = new_user()
    membership = apply(user, core["union"])
    staff = core["union_admin"]
    with django_capture_on_commit_callbacks(execute=True):
        approved = services.membership_approve(membership=membership, actor=staff)
    assert approved.status == "active"
    assert approved.member_no.startswith("WM") and approved.member_no not in {
        f"WM{i:06d}" for i in range(1, 6)
    }
    assert approved.since == timezone.localdate()
    assert Notification.objects.filter(user=user, message__contains=approved.member_no).exists()
    assert any(approved.member_no in text for _phone, text in sms.outbox)
    assert list(approved.events.values_list("status", flat=True)) == ["pending", "active"]


def test_approve_twice_is_a_conflict_and_other_union_staff_are_refused(core):
    membership = apply(new_user(), core["union"])
    outsider = staff_of(core["enterprise"])
    with pytest.raises(DomainError) as info:
        services.membership_approve(membership=membership, actor=outsider)
    assert info.value.status == 403
    member = core["riders"][0]
    with pytest.raises(DomainError) as info:
        services.membership_approve(membership=membership, actor=member)
    assert info.value.status == 403
    services.membership_approve(membership=membership, actor=core["union_admin"])
    with pytest.raises(DomainError) as info:
        services.membership_approve(membership=membership, actor=core["union_admin"])
    assert info.value.status == 409


def test_parent_staff_and_federation_may_decide(core):
    district_staff = staff_of(core["district"])
    membership = apply(new_user(), core["union"])
    approved = services.membership_approve(membership=membership, actor=district_staff)
    assert approved.status == "active" and approved.decided_by == district_staff
    other = apply(new_user(), core["regional"], id_number=valid_id(9))
    rejected = services.membership_reject(membership=other, actor=core["admin"], reason="信息不全")
    assert rejected.status == "rejected" and rejected.reject_reason == "信息不全"


def test_reject_needs_reason_and_notifies(core, django_capture_on_commit_callbacks):
    sms.outbox.clear()
    user = new_user()
    membership = apply(user, core["union"])
    with pytest.raises(DomainError) as info:
        services.membership_reject(membership=membership, actor=core["union_admin"], reason=" ")
    assert info.value.code == "reason_required"
    with django_capture_on_commit_callbacks(execute=True):
        rejected = services.membership_reject(
            membership=membership, actor=core["union_admin"], reason="身份证号与姓名不符"
        )
    assert rejected.status == "rejected" and rejected.reject_reason == "身份证号与姓名不符"
    assert any("身份证号与姓名不符" in text for _p, text in sms.outbox)
    # A rejected applicant may apply again.
    assert apply(user, core["union"]).status == "pending"


def test_general_code_lands_in_the_district_pool_and_is_assigned(core):
    general = services.join_code_ensure_default(union=core["federation"])
    assert general.kind == JoinCodeKind.GENERAL
    membership = services.membership_apply(
        user=new_user(), token=selectors.join_token(code=general), **application()
    )
    assert membership.in_pool and membership.union == core["district"]
    district_staff = staff_of(core["district"])
    with pytest.raises(DomainError) as info:
        services.membership_approve(membership=membership, actor=district_staff)
    assert info.value.code == "assign_first"
    union_staff = core["union_admin"]
    with pytest.raises(DomainError) as info:
        services.membership_assign(membership=membership, actor=union_staff)
    assert info.value.status == 403
    assigned = services.membership_assign(membership=membership, actor=district_staff)
    assert assigned.union == core["regional"] and not assigned.in_pool
    assert services.membership_approve(membership=assigned, actor=district_staff).status == "active"


def test_pool_assignment_to_a_chosen_union(core):
    general = services.join_code_ensure_default(union=core["federation"])
    membership = services.membership_apply(
        user=new_user(),
        token=selectors.join_token(code=general),
        district=core["district"],
        **application(),
    )
    assigned = services.membership_assign(
        membership=membership, actor=core["admin"], union=core["enterprise"]
    )
    assert assigned.union == core["enterprise"]
    with pytest.raises(DomainError):
        services.membership_assign(membership=assigned, actor=core["admin"])


def test_transfer_moves_membership_and_keeps_since(core):
    rider = core["riders"][0]
    old = Membership.objects.get(user=rider, status="active")
    transfer = services.transfer_request(user=rider, token=token_for(core["regional"]))
    assert transfer.status == "pending"
    regional_staff = staff_of(core["regional"])
    with pytest.raises(DomainError) as info:
        services.transfer_approve(transfer=transfer, actor=core["union_admin"])
    assert info.value.status == 403
    done = services.transfer_approve(transfer=transfer, actor=regional_staff)
    old.refresh_from_db()
    assert old.status == "transferred"
    new = done.new_membership
    assert new.status == "active" and new.union == core["regional"]
    assert new.since == old.since and new.transferred_from == old
    assert new.id_number == old.id_number
    assert Membership.objects.filter(user=rider, status="active").count() == 1
    # Both unions see the transfer.
    assert transfer in selectors.transfers_visible_to(user=regional_staff)
    assert transfer in selectors.transfers_visible_to(user=core["union_admin"])
    assert transfer not in selectors.transfers_visible_to(user=staff_of(core["enterprise"]))
    with pytest.raises(DomainError) as info:
        services.transfer_approve(transfer=transfer, actor=regional_staff)
    assert info.value.status == 409


def test_transfer_refusals(core):
    with pytest.raises(DomainError) as info:
        services.transfer_request(user=new_user(), token=token_for(core["regional"]))
    assert info.value.code == "not_a_member"
    rider = core["riders"][1]
    with pytest.raises(DomainError) as info:
        services.transfer_request(user=rider, token=token_for(core["union"]))
    assert info.value.code == "same_union"
    with pytest.raises(DomainError) as info:
        services.transfer_request(user=rider, token=token_for(core["federation"]))
    assert info.value.code == "general_code_transfer"
    services.transfer_request(user=rider, token=token_for(core["regional"]))
    with pytest.raises(DomainError) as info:
        services.transfer_request(user=rider, token=token_for(core["enterprise"]))
    assert info.value.status == 409


def test_transfer_reject_and_cancel(core):
    rider = core["riders"][2]
    transfer = services.transfer_request(user=rider, token=token_for(core["regional"]))
    staff = staff_of(core["regional"])
    rejected = services.transfer_reject(transfer=transfer, actor=staff, reason="不在本区")
    assert rejected.status == "rejected"
    assert Membership.objects.get(user=rider, status="active").union == core["union"]
    again = services.transfer_request(user=rider, token=token_for(core["regional"]))
    with pytest.raises(DomainError):
        services.transfer_cancel(transfer=again, user=core["riders"][3])
    assert services.transfer_cancel(transfer=again, user=rider).status == "cancelled"


def test_member_exports_own_data(core):
    rider = core["riders"][0]
    data = selectors.member_data_export(user=rider)
    assert data["account"]["username"] == "rider1"
    assert data["memberships"][0]["id_number"] == Membership.objects.get(user=rider).id_number


def test_deletion_request_is_carried_out_by_staff(core):
    rider = core["riders"][4]
    request = personal_data.deletion_request_create(user=rider)
    with pytest.raises(DomainError):
        personal_data.deletion_request_create(user=rider)
    with pytest.raises(DomainError) as info:
        personal_data.deletion_request_carry_out(
            request=request, actor=staff_of(core["enterprise"])
        )
    assert info.value.status == 403
    personal_data.deletion_request_carry_out(request=request, actor=core["union_admin"])
    membership = Membership.objects.get(user=rider)
    assert membership.status == "lapsed" and membership.id_number == ""
    assert membership.full_name == personal_data.ERASED_NAME and membership.member_no
    assert not PhoneNumber.objects.filter(user=rider).exists()
    rider.refresh_from_db()
    assert not rider.is_active
    assert DeletionRequest.objects.get(pk=request.pk).status == "done"
    assert MembershipEvent.objects.filter(membership=membership, status="lapsed").exists()


def test_one_active_membership_is_enforced_by_the_database(core):
    from django.db import IntegrityError, transaction

    rider = core["riders"][0]
    other = Membership.objects.get(user=rider)
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            user=rider,
            union=core["regional"],
            status="active",
            full_name=other.full_name,
            phone=other.phone,
            id_number=other.id_number,
            worker_type=other.worker_type,
        )
    assert Transfer.objects.count() == 0


def test_a_district_code_lands_in_its_own_pool(core):
    code = services.join_code_ensure_default(union=core["district"])
    assert code.kind == JoinCodeKind.GENERAL
    membership = services.membership_apply(
        user=new_user(), token=selectors.join_token(code=code), **application()
    )
    assert membership.in_pool and membership.union == core["district"]
