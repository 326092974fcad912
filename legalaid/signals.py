"""Signal receivers: role permissions after migrate; fresh slots after availability edits."""

from __future__ import annotations

import datetime as dt
from functools import partial

from django.apps import apps
from django.db import transaction
from django.utils import timezone

from legalaid.models import Volunteer
from legalaid.services import booking_horizon_days
from legalaid.slot_supply import slots_materialise
from legalaid.slots import SHANGHAI
from unionhome.core import roles

# What each role may do with legal-aid objects in the admin (rows are scoped further there).
STAFF_PERMISSIONS = {
    "station": ("add", "change", "delete", "view"),
    "volunteer": ("add", "change", "delete", "view"),
    "availabilitywindow": ("add", "change", "delete", "view"),
    "availabilityexception": ("add", "change", "delete", "view"),
    "campaign": ("add", "change", "delete", "view"),
    "booking": ("view",),
    "feedback": ("view",),
}
VOLUNTEER_PERMISSIONS = {
    "availabilitywindow": ("add", "change", "delete", "view"),
    "availabilityexception": ("add", "change", "delete", "view"),
    "booking": ("view",),
}


def grant_permissions(sender=None, app_config=None, **kwargs):
    """Give the role groups their legal-aid permissions (idempotent)."""

    def codenames(grants: dict) -> list[str]:
        return [f"{action}_{model}" for model, actions in grants.items() for action in actions]

    roles.grant_group_permissions(
        app_config or apps.get_app_config("legalaid"),
        {
            roles.FEDERATION_STAFF: codenames(STAFF_PERMISSIONS),
            roles.UNION_STAFF: codenames(STAFF_PERMISSIONS),
            roles.VOLUNTEERS: codenames(VOLUNTEER_PERMISSIONS),
        },
        using=kwargs.get("using", "default"),
    )


def _refresh(volunteer_id: int) -> None:

    volunteer = Volunteer.objects.filter(pk=volunteer_id).first()
    if volunteer is None:
        return
    today = timezone.now().astimezone(SHANGHAI).date()
    slots_materialise(
        volunteer=volunteer,
        first_day=today,
        last_day=today + dt.timedelta(days=booking_horizon_days()),
    )


def availability_changed(sender, instance, **kwargs):
    """Windows, absences or slot settings changed: bring the volunteer's slots in line."""

    volunteer_id = instance.pk if isinstance(instance, Volunteer) else instance.volunteer_id
    if kwargs.get("raw") or volunteer_id is None:
        return
    transaction.on_commit(partial(_refresh, volunteer_id))
