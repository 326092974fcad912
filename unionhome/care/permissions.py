"""Who may change the care tables every union shares (hardship levels and their criteria,
regional subsistence lines): federation staff only. Union staff apply them to their members'
files and may read them, but a change by one union would change the rules for all others."""

from __future__ import annotations

from django.db.models import Q
from wagtail.permission_policies import ModelPermissionPolicy

from unionhome.care import selectors
from unionhome.core import roles

WRITE_ACTIONS = frozenset({"add", "change", "delete"})


class SharedTablePolicy(ModelPermissionPolicy):
    """Model permissions as usual, and writing needs federation staff on top (a union staff
    group that still holds the old add/change grants gets no further)."""

    def user_has_permission(self, user, action):
        if action in WRITE_ACTIONS and not selectors.may_edit_shared_tables(user):
            return False
        return super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        users = super().users_with_any_permission(actions)
        if WRITE_ACTIONS.issuperset(actions):
            users = users.filter(Q(is_superuser=True) | Q(groups__name=roles.FEDERATION_STAFF))
        return users.distinct()


def register() -> None:
    from wagtail.permissions import register_permission_policy

    from unionhome.care.models import HardshipLevel, SubsistenceLine

    for model in (HardshipLevel, SubsistenceLine):
        register_permission_policy(model, SharedTablePolicy(model))
