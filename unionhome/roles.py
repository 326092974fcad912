"""Roles and who may see what. Selectors only: they read, never write (except group set-up).

Roles: federation staff (superusers or the "Federation staff" group), union staff (per union,
covering its subtree), members (an active membership), negotiators (bargaining
representatives, per case and side) and legal-aid volunteers.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth.models import Group, Permission

FEDERATION_STAFF = "Federation staff"
UNION_STAFF = "Union staff"
VOLUNTEERS = "Legal-aid volunteers"
NEGOTIATORS = "Negotiators"

ROLE_GROUPS = (FEDERATION_STAFF, UNION_STAFF, VOLUNTEERS, NEGOTIATORS)


def ensure_groups() -> dict[str, Group]:
    """Create the role groups; staff groups get access to the Wagtail admin."""
    groups = {name: Group.objects.get_or_create(name=name)[0] for name in ROLE_GROUPS}
    try:
        access_admin = Permission.objects.get(
            content_type__app_label="wagtailadmin", codename="access_admin"
        )
    except Permission.DoesNotExist:
        return groups
    for name in (FEDERATION_STAFF, UNION_STAFF, VOLUNTEERS):
        groups[name].permissions.add(access_admin)
    return groups


def ensure_groups_after_migrate(sender, **kwargs):
    ensure_groups()


def grant_group_permissions(app_config, grants: dict[str, list[str]], *, using="default") -> None:
    """Give role groups model permissions of one app: ``{group name: [codename, ...]}``.

    Called from each app's post_migrate receiver, which may run before auth's own: the
    permission rows are created first. Idempotent."""
    from django.contrib.auth.management import create_permissions

    create_permissions(app_config, verbosity=0, using=using)
    groups = ensure_groups()
    for name, codenames in grants.items():
        groups[name].permissions.add(
            *Permission.objects.filter(
                content_type__app_label=app_config.label, codename__in=codenames
            )
        )


def crud_codenames(model: str, actions=("add", "change", "delete", "view")) -> list[str]:
    return [f"{action}_{model}" for action in actions]


def is_federation_staff(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    return user.groups.filter(name=FEDERATION_STAFF).exists()


def union_subtree_ids(root_ids) -> set[int]:
    """The given unions and every union below them (one read of the tree)."""
    Union = apps.get_model("unionhome", "Union")
    children: dict[int | None, list[int]] = {}
    for union_id, parent_id in Union.objects.values_list("id", "parent_id"):
        children.setdefault(parent_id, []).append(union_id)
    found: set[int] = set()
    stack = list(root_ids)
    while stack:
        node = stack.pop()
        if node in found:
            continue
        found.add(node)
        stack.extend(children.get(node, []))
    return found


def staffed_union_ids(user) -> set[int]:
    """The unions a user runs: those they are staff of and all unions below them."""
    if not getattr(user, "is_authenticated", False):
        return set()
    Union = apps.get_model("unionhome", "Union")
    if is_federation_staff(user):
        return set(Union.objects.values_list("id", flat=True))
    roots = set(user.union_staff_links.values_list("union_id", flat=True))
    return union_subtree_ids(roots) if roots else set()


def is_union_staff(user, union) -> bool:
    union_id = getattr(union, "pk", union)
    return union_id in staffed_union_ids(user)


def active_membership(user):
    if not getattr(user, "is_authenticated", False):
        return None
    Membership = apps.get_model("unionhome", "Membership")
    return Membership.objects.filter(user=user, status="active").select_related("union").first()


def is_volunteer(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return user.groups.filter(name=VOLUNTEERS).exists()


def is_negotiator(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return user.groups.filter(name=NEGOTIATORS).exists()


def requires_mfa(user) -> bool:
    """Staff and negotiators must use MFA when MFA_REQUIRED_FOR_STAFF is on."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_staff or user.is_superuser or is_negotiator(user))


def has_totp(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def mfa_missing(user) -> bool:
    """True when MFA_REQUIRED_FOR_STAFF is on and this staff member or negotiator has not
    enrolled TOTP yet: they may only reach the pages that let them enrol."""
    from django.conf import settings

    if not getattr(settings, "MFA_REQUIRED_FOR_STAFF", False):
        return False
    return requires_mfa(user) and not has_totp(user)
