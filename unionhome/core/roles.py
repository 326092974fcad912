"""Roles and who may see what. Selectors only: they read, never write (except group set-up).

Roles: federation staff (superusers or the "Federation staff" group), union staff (per union,
covering its subtree), members (an active membership), negotiators (bargaining
representatives, per case and side) and legal-aid volunteers.
"""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.apps import apps
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.utils.translation import pgettext_lazy

FEDERATION_STAFF = "Federation staff"
UNION_STAFF = "Union staff"
VOLUNTEERS = "Legal-aid volunteers"
NEGOTIATORS = "Negotiators"

ROLE_GROUPS = (FEDERATION_STAFF, UNION_STAFF, VOLUNTEERS, NEGOTIATORS)

# The stored group name stays English: code looks groups up by it. People see these labels
# (the admin's group list and the user form's role checkboxes) in their own language.
ROLE_LABELS = {
    FEDERATION_STAFF: pgettext_lazy("role group", "Federation staff"),
    UNION_STAFF: pgettext_lazy("role group", "Union staff"),
    VOLUNTEERS: pgettext_lazy("role group", "Legal-aid volunteers"),
    NEGOTIATORS: pgettext_lazy("role group", "Negotiators"),
    # Wagtail's own migrations create these two and its catalog leaves them in English.
    "Editors": pgettext_lazy("role group", "Editors"),
    "Moderators": pgettext_lazy("role group", "Moderators"),
}


def role_label(group_or_name) -> str:
    """How a role group is shown: translated for the project's roles, else the stored name."""
    name = getattr(group_or_name, "name", group_or_name)
    return str(ROLE_LABELS.get(name, name))


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


def display_name(user) -> str:
    """How a page greets the user: their name, from the account or their latest membership
    application; failing that, their phone with the middle digits hidden. Never the
    generated username of a phone sign-up, unless nothing else is known."""
    if not getattr(user, "is_authenticated", False):
        return ""
    name = user.get_full_name().strip()
    if name:
        return name
    Membership = apps.get_model("unionhome", "Membership")
    applied = Membership.objects.filter(user=user).exclude(full_name="").order_by("-pk").first()
    if applied is not None:
        return applied.full_name
    PhoneNumber = apps.get_model("unionhome", "PhoneNumber")
    phone = PhoneNumber.objects.filter(user=user).values_list("phone", flat=True).first()
    if phone:
        digits = phone.removeprefix("+86")
        return f"{digits[:3]}****{digits[-4:]}"
    return user.username


def is_volunteer(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return user.groups.filter(name=VOLUNTEERS).exists()


def is_negotiator(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return user.groups.filter(name=NEGOTIATORS).exists()


def company_names(user) -> set[str]:
    """The companies a user speaks for (normalised names): as an employer-side representative
    in a bargaining case, or through a company account."""
    if not getattr(user, "is_authenticated", False):
        return set()
    Representative = apps.get_model("bargaining", "Representative")
    CompanyAccount = apps.get_model("consultations", "CompanyAccount")
    names = set(
        Representative.objects.filter(user=user, side="employer", active=True).values_list(
            "case__employer", flat=True
        )
    )
    names.update(CompanyAccount.objects.filter(user=user).values_list("company", flat=True))
    return {"".join(name.split()).casefold() for name in names if name}


def requires_mfa(user) -> bool:
    """Staff and negotiators must use MFA when MFA_REQUIRED_FOR_STAFF is on."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_staff or user.is_superuser or is_negotiator(user))


def has_totp(user) -> bool:

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def mfa_missing(user) -> bool:
    """True when MFA_REQUIRED_FOR_STAFF is on and this staff member or negotiator has not
    enrolled TOTP yet: they may only reach the pages that let them enrol."""

    if not getattr(settings, "MFA_REQUIRED_FOR_STAFF", False):
        return False
    return requires_mfa(user) and not has_totp(user)
