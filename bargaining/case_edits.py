"""Editing a case and its agenda after they were set up (the admin's edit forms call these):
same discipline as the other commands, and each edit logs what changed, so the room and the
minutes show it like any other change."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from bargaining.case_setup import _item_check, _require_item_editor
from bargaining.models import AgendaItem, Case
from bargaining.services import _can_manage, _lock, event_append
from unionhome.core.errors import Conflict, DomainError, NotAllowed

# What an edit may change: the written request and its union are a record and stay as sent.
CASE_EDITABLE = (
    "title",
    "title_en",
    "employer",
    "employer_en",
    "employer_kind",
    "employer_legal_representative",
    "region_code",
    "recorder",
)
ITEM_EDITABLE = (
    "topic",
    "title",
    "title_en",
    "description",
    "value_kind",
    "unit",
    "unit_en",
    "agreed_value_en",
    "statutory_check",
    "expected_per_hour",
    "covers",
    "break_after_hours",
    "compensatory_rest",
    "position",
)
# Offers were made in this kind of value: it cannot change under them.
ITEM_FIXED_ONCE_OFFERED = ("value_kind", "unit")


def _changes_payload(changes: dict) -> dict:
    """Changed fields as JSON-safe display values (the minutes show them as sent)."""
    out = {}
    for name, value in changes.items():
        if hasattr(value, "get_full_name"):
            value = value.get_full_name() or value.username
        out[name] = "" if value is None else str(value)
    return out


def case_update(*, case: Case, by, data: dict) -> Case:
    """Change a case's details (union staff); logs ``case.updated`` with what changed."""
    unknown = set(data) - set(CASE_EDITABLE)
    if unknown:
        raise DomainError(
            "not_editable",
            _("These fields cannot be changed: %(fields)s")
            % {"fields": ", ".join(sorted(unknown))},
        )
    for name in ("title", "employer"):
        if name in data and not str(data[name] or "").strip():
            raise DomainError("invalid", _("Title and employer are required."), field=name)
    with transaction.atomic():
        case = _lock(case)
        if not _can_manage(by, case):
            raise NotAllowed(_("Only staff of the union may change the case."))
        recorder = data.get("recorder")
        if (
            recorder is not None
            and case.representatives.filter(active=True, user=recorder).exists()
        ):
            raise DomainError(
                "recorder_is_representative", _("The recorder is not a representative.")
            )
        changes = {}
        for name, value in data.items():
            if isinstance(value, str):
                value = value.strip()
            if getattr(case, name) != value:
                setattr(case, name, value)
                changes[name] = value
        if changes:
            case.save(update_fields=list(changes))
            event_append(
                case=case,
                kind="case.updated",
                actor=by,
                payload={"fields": _changes_payload(changes)},
            )
    return case


def item_update(*, item: AgendaItem, by, data: dict) -> AgendaItem:
    """Change an agenda item (as ``item_add`` may); logs ``item.updated`` with what changed."""
    unknown = set(data) - set(ITEM_EDITABLE)
    if unknown:
        raise DomainError(
            "not_editable",
            _("These fields cannot be changed: %(fields)s")
            % {"fields": ", ".join(sorted(unknown))},
        )
    with transaction.atomic():
        case = _lock(item.case)
        _require_item_editor(case, by)
        item = AgendaItem.objects.select_for_update().get(pk=item.pk, case=case)
        merged = {name: data.get(name, getattr(item, name)) for name in ITEM_EDITABLE}
        _item_check(
            topic=merged["topic"],
            value_kind=merged["value_kind"],
            statutory_check=merged["statutory_check"] or "",
            title=merged["title"] or "",
            covers=merged["covers"],
        )
        changes = {}
        for name, value in data.items():
            if isinstance(value, str):
                value = value.strip()
            if getattr(item, name) != value:
                changes[name] = value
        if set(changes) & set(ITEM_FIXED_ONCE_OFFERED) and item.offers.exists():
            raise Conflict(
                "item_has_offers",
                _("Offers were made on this item: its kind of value and unit are fixed."),
            )
        if changes:
            for name, value in changes.items():
                setattr(item, name, value)
            item.save(update_fields=list(changes))
            event_append(
                case=case,
                kind="item.updated",
                actor=by,
                payload={"item": item.pk, "title": item.title, "fields": _changes_payload(changes)},
            )
    return item
