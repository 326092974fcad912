"""Pages: the list of one's cases, the case room (live with JavaScript, plain forms without),
and the minutes. Thin: selectors to read, services to write; DomainError becomes a message."""

from __future__ import annotations

import datetime as dt
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bargaining import case_setup, selectors, services, watching
from bargaining.legal_sources import citation, guide_url
from bargaining.minutes import bound_text, event_summary, finding_view, side_label
from bargaining.models import Audience, Case, CaseStatus, ItemStatus, Side
from unionhome.core import bilingual
from unionhome.core.errors import DomainError


def _visible(request, pk):
    try:
        return selectors.case_get_visible(user=request.user, case_id=pk)
    except DomainError as err:
        raise Http404(err.detail) from err


@login_required
def case_list(request):
    cases = selectors.cases_visible(user=request.user).order_by("-id")
    watchable = watching.cases_open_to(user=request.user)
    return render(request, "bargaining/case_list.html", {"cases": cases, "watchable": watchable})


@login_required
def watch(request, pk):
    """An open session, read-only, for the members of the covered union (bargaining.watching).
    Participants are sent to the room; anyone else gets 404."""
    case = Case.objects.select_related("union").filter(pk=pk).first()
    if case is None or not watching.may_watch(user=request.user, case=case):
        case, _viewer = _visible(request, pk)
        return redirect("bargaining:room", pk=case.pk)
    lines = watching.public_lines(case=case)
    labels = {
        **_kind_labels(),
        "closed": _("The chiefs closed the session to members."),
        "offer": _("%(side)s offer on “%(item)s”: %(value)s"),
        "items": {str(k): v for k, v in case.items.values_list("id", "title")},
    }
    context = {
        "case": case,
        "lines": lines,
        "last_seq": lines[-1]["seq"] if lines else 0,
        "labels": labels,
    }
    return render(request, "bargaining/watch.html", context)


def _minutes(case, viewer):
    """Events grouped per round (None = before the first round), each with its summary."""
    titles = dict(case.items.values_list("id", "title"))
    groups: list[dict] = []
    for event in selectors.events_visible(case=case, viewer=viewer):
        number = event.round.number if event.round_id else None
        if not groups or groups[-1]["round"] != number:
            groups.append({"round": number, "events": []})
        event.summary = event_summary(event, titles)
        event.findings_text = [finding_view(f) for f in event.payload.get("findings", [])]
        groups[-1]["events"].append(event)
    return groups


def _row(view, case, viewer) -> dict:
    """What the room shows for one item: the same dict for the page and the live fragment, so
    a fragment fetched after an event is exactly what a reload shows."""
    item = view.item
    bound = services.item_bound(item=item, case=case)
    unit = bilingual.unit_for(item.unit, getattr(item, "unit_en", ""))
    floor_text = bound_text(bound, unit) if bound else ""
    latest = max(
        (o for o in (view.union, view.employer) if o is not None), key=lambda o: o.pk, default=None
    )
    return {
        "view": view,
        "bound": bound,
        "floor_text": floor_text,
        "unit": unit,
        "floor_short": f"{'≤' if bound and bound.direction == 'max' else '≥'} "
        f"{bound.value.normalize():f} {unit}".strip()
        if bound
        else "",
        "last_side": latest.side if latest else "",
        "their_move": bool(latest and viewer.side and latest.side != viewer.side),
        "union_display": services.value_display(item, view.union.value) if view.union else "",
        "employer_display": services.value_display(item, view.employer.value)
        if view.employer
        else "",
        "union_value": view.union.value if view.union else "",
        "employer_value": view.employer.value if view.employer else "",
        "union_findings": [finding_view(f) for f in view.union.findings] if view.union else [],
        "employer_findings": [finding_view(f) for f in view.employer.findings]
        if view.employer
        else [],
        "history": [
            {
                "round": h["round"],
                "union": services.value_display(item, h.get("union")),
                "employer": services.value_display(item, h.get("employer")),
            }
            for h in view.history
        ],
        "chart": mark_safe(  # noqa: S308 - built from numbers and escaped labels only
            selectors.convergence_svg(
                history=view.history,
                floor=bound.value if bound else None,
            )
        ),
    }


def _item_context(case, viewer) -> dict:
    """What every item row needs besides its own row."""
    current = selectors.round_current(case=case)
    return {
        "case": case,
        "viewer": viewer,
        "round": current,
        "can_act": viewer.is_representative and case.status == CaseStatus.ACTIVE,
        "union_label": side_label(Side.UNION),
        "employer_label": side_label(Side.EMPLOYER),
    }


@login_required
def item_fragment(request, pk, item_id):
    """One item's row as the room renders it: the room script swaps it in after each event
    that concerns the item, so the live page never drifts from a reload."""
    case, viewer = _visible(request, pk)
    views = selectors.item_positions(case=case, item_id=item_id)
    if not views:
        raise Http404
    context = {**_item_context(case, viewer), "row": _row(views[0], case, viewer)}
    return render(request, "bargaining/_item.html", context)


@login_required
def room(request, pk):
    case, viewer = _visible(request, pk)
    rows = [_row(view, case, viewer) for view in selectors.item_positions(case=case)]
    current = selectors.round_current(case=case)
    caucus = selectors.CAUCUS_OF.get(viewer.side) if viewer.side else None
    context = {
        **_item_context(case, viewer),
        "rows": rows,
        "is_chair": bool(current and viewer.is_chief and current.chair_side == viewer.side),
        "table_chat": selectors.events_visible(case=case, viewer=viewer).filter(
            kind="chat", audience=Audience.TABLE
        ),
        "caucus_chat": selectors.events_visible(case=case, viewer=viewer).filter(
            kind="chat", audience=caucus
        )
        if caucus
        else [],
        "problems": selectors.case_team_problems(case),
        "chief_not_chair": "chief_not_chair" in selectors.case_team_warnings(case),
        "delegations": selectors.case_delegations(case),
        "delegation_source_url": guide_url("ccp_20"),
        "answer_source": citation("ccp_32"),
        "answer_source_url": guide_url("ccp_32"),
        "client_id": uuid.uuid4(),
        "representatives": case.representatives.filter(active=True).select_related("user"),
        "Side": Side,
        "kind_labels": _kind_labels(),
        "ItemStatus": ItemStatus,
        "overdue": case.answer_due and case.answer_due < timezone.now(),
        "default_next_meeting": (timezone.localtime() + dt.timedelta(days=7)).strftime(
            "%Y-%m-%dT%H:%M"
        ),
    }
    return render(request, "bargaining/room.html", context)


def _kind_labels() -> dict:
    """Labels the room script uses for live events it does not render in detail."""
    return {
        "round.opened": _("A round was opened."),
        "round.closed": _("The round was closed."),
        "item.tentative": _("An item was tentatively agreed."),
        "item.reopened": _("An item was reopened."),
        "case.updated": _("The case details were changed."),
        "item.updated": _("An agenda item was changed."),
        "case.suspended": _("Talks suspended."),
        "case.resumed": _("Talks resumed."),
        "case.agreed": _("Agreement reached on every item."),
        "reconnecting": _("Reconnecting…"),
        "live": _("Live"),
        "offline": _("Offline: the page works without live updates."),
        "union": side_label(Side.UNION),
        "employer": side_label(Side.EMPLOYER),
        "present": _("In the room:"),
        "watchers": _("%(n)s members watching"),
    }


@login_required
def minutes(request, pk):
    case, viewer = _visible(request, pk)
    return render(
        request,
        "bargaining/minutes.html",
        {"case": case, "viewer": viewer, "groups": _minutes(case, viewer)},
    )


def _command(request, case, action: str, item_id=None):
    post = request.POST
    client_id = post.get("client_id", "")
    common = {"case": case, "by": request.user, "client_id": client_id}
    if action == "offer":
        return services.offer_submit(
            item_id=item_id or post.get("item"),
            value=_form_value(post.get("value", "")),
            note=post.get("note", ""),
            **common,
        )
    if action == "accept":
        return services.item_accept(item_id=item_id, override=post.get("override", ""), **common)
    if action == "reopen":
        return services.item_reopen(item_id=item_id, **common)
    if action == "chat":
        return services.chat_send(room=post.get("room", ""), text=post.get("text", ""), **common)
    if action == "round_open":
        return services.round_open(**common)
    if action == "round_close":
        return services.round_close(**common)
    if action == "suspend":
        when = parse_datetime(post.get("next_meeting_at", "") or "")
        if when is not None and timezone.is_naive(when):
            when = timezone.make_aware(when)
        return services.case_suspend(next_meeting_at=when, reason=post.get("reason", ""), **common)
    if action == "resume":
        return services.case_resume(**common)
    if action == "agree":
        return services.case_confirm_agreement(**common)
    if action == "watch_open":
        return watching.session_consent(**common)
    if action == "watch_close":
        return watching.session_close(**common)
    if action == "answer":
        case_setup.case_answer_request(
            case=case,
            by=request.user,
            accept=post.get("accept") == "1",
            reason=post.get("reason", ""),
        )
        return None
    raise Http404


def _form_value(raw: str):
    """HTML forms send text; yes/no items send "true"/"false"."""
    if raw in ("true", "false"):
        return raw == "true"
    return raw


ACTIONS = {
    "offer",
    "accept",
    "reopen",
    "chat",
    "round_open",
    "round_close",
    "suspend",
    "resume",
    "agree",
    "answer",
    "watch_open",
    "watch_close",
}


@login_required
@require_POST
def command(request, pk, action, item_id=None):
    """The no-JavaScript path: the same services as the WebSocket frames."""
    if action not in ACTIONS:
        raise Http404
    case, _viewer = _visible(request, pk)
    try:
        _command(request, case, action, item_id)
    except DomainError as err:
        messages.error(request, err.detail)
    else:
        messages.success(request, _("Done."))
    return redirect("bargaining:room", pk=case.pk)
