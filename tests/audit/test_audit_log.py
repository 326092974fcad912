"""The audit log: append-only, written by the services in the action's transaction, and
visible to federation staff only."""

import pytest
from django.contrib.auth.models import Permission
from django.db import DatabaseError, connection, transaction

from tests.membership.helpers import apply, new_user, staff_of, token_for
from unionhome.audit.models import AuditAction, AuditChangeRefused, AuditEntry
from unionhome.audit.services import audit_record
from unionhome.core.errors import Conflict
from unionhome.membership import personal_data, services

pytestmark = pytest.mark.django_db


@pytest.fixture
def core(db):
    from unionhome.core.demo import seed_core

    return seed_core()


def entries(action):
    return list(AuditEntry.objects.filter(action=action))


def test_entries_cannot_be_changed_or_deleted(core):
    entry = audit_record(action=AuditAction.DATA_EXPORT, actor=core["admin"], object_id=1)
    entry.detail = "rewritten"
    with pytest.raises(AuditChangeRefused):
        entry.save()
    with pytest.raises(AuditChangeRefused):
        entry.delete()
    with pytest.raises(AuditChangeRefused):
        AuditEntry.objects.filter(pk=entry.pk).update(detail="rewritten")
    with pytest.raises(AuditChangeRefused):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.get(pk=entry.pk).detail == ""


def test_database_refuses_raw_updates_but_allows_actor_removal(core):
    actor = new_user()
    entry = audit_record(action=AuditAction.DATA_EXPORT, actor=actor, object_id=1)
    with (
        pytest.raises(DatabaseError, match="audit entries cannot be changed"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE audit_auditentry SET detail = %s WHERE id = %s", ["x", entry.pk])
    # Deleting a user (e.g. a carried-out deletion request) nulls the actor: allowed.
    actor.delete()
    assert AuditEntry.objects.get(pk=entry.pk).actor_id is None


def test_unknown_action_is_refused(core):
    with pytest.raises(ValueError):
        audit_record(action="nonsense")


def test_membership_and_transfer_decisions_are_audited(core):
    membership = apply(new_user(), core["union"])
    services.membership_approve(membership=membership, actor=core["union_admin"])
    [entry] = entries(AuditAction.MEMBERSHIP_APPROVE)
    assert (entry.actor, entry.object_id) == (core["union_admin"], str(membership.pk))
    assert entry.union_id == core["union"].pk

    refused = apply(new_user(), core["union"])
    services.membership_reject(membership=refused, actor=core["union_admin"], reason="不符合")
    [entry] = entries(AuditAction.MEMBERSHIP_REJECT)
    assert entry.object_id == str(refused.pk)
    # The reason is personal to the applicant: it stays on the application, not in the log.
    assert "不符合" not in entry.detail


def test_failed_action_leaves_no_entry(core):
    membership = apply(new_user(), core["union"])
    services.membership_approve(membership=membership, actor=core["union_admin"])
    with pytest.raises(Conflict):
        services.membership_approve(membership=membership, actor=core["union_admin"])
    assert len(entries(AuditAction.MEMBERSHIP_APPROVE)) == 1


def test_transfer_approve_and_reject_are_audited(core):
    member = new_user()
    old = apply(member, core["union"])
    services.membership_approve(membership=old, actor=core["union_admin"])
    target = core["regional"]
    target_staff = staff_of(target)
    transfer = services.transfer_request(user=member, token=token_for(target))
    services.transfer_reject(transfer=transfer, actor=target_staff, reason="名额已满")
    assert [e.object_id for e in entries(AuditAction.TRANSFER_REJECT)] == [str(transfer.pk)]
    transfer = services.transfer_request(user=member, token=token_for(target))
    services.transfer_approve(transfer=transfer, actor=target_staff)
    [entry] = entries(AuditAction.TRANSFER_APPROVE)
    assert (entry.actor, entry.union_id) == (target_staff, target.pk)


def test_unmasked_id_views_and_exports_are_audited(core):
    member = new_user()
    membership = apply(member, core["union"])
    staff = staff_of(core["union"])
    # Without the permission the number is masked and nothing is logged.
    masked = personal_data.id_number_shown(membership=membership, user=staff)
    assert masked != membership.id_number
    assert entries(AuditAction.ID_NUMBER_VIEW) == []
    staff.user_permissions.add(Permission.objects.get(codename="view_full_id_number"))
    staff = type(staff).objects.get(pk=staff.pk)
    assert personal_data.id_number_shown(membership=membership, user=staff) == (
        membership.id_number
    )
    [entry] = entries(AuditAction.ID_NUMBER_VIEW)
    assert (entry.actor, entry.object_id) == (staff, str(membership.pk))
    assert membership.id_number not in entry.detail

    personal_data.member_data_export(user=member)
    [entry] = entries(AuditAction.DATA_EXPORT)
    assert entry.actor == member


def test_export_view_is_audited(client, core):
    member = new_user()
    apply(member, core["union"])
    client.force_login(member)
    assert client.get("/membership/export/").status_code == 200
    assert [e.actor for e in entries(AuditAction.DATA_EXPORT)] == [member]
