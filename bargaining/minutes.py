"""The event log as meeting minutes: one human-readable line per event (in the active
language), grouped per round. Used by the minutes page and by document builders."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from bargaining.legal_sources import citation, guide_url
from bargaining.models import Side

# Field names of the case and item edits (case_setup.case_update / item_update).
FIELD_LABELS = {
    "title": _lazy("title"),
    "employer": _lazy("employer"),
    "employer_kind": _lazy("employer kind"),
    "region_code": _lazy("region code"),
    "recorder": _lazy("recorder"),
    "topic": _lazy("topic"),
    "description": _lazy("description"),
    "value_kind": _lazy("kind of value"),
    "unit": _lazy("unit"),
    "statutory_check": _lazy("statutory check"),
    "expected_per_hour": _lazy("expected pieces per hour"),
    "position": _lazy("order"),
}
SIDE_LABEL = {Side.UNION.value: Side.UNION.label, Side.EMPLOYER.value: Side.EMPLOYER.label}


def side_label(side) -> str:
    return str(SIDE_LABEL.get(side, side or ""))


def finding_text(finding: dict) -> str:
    """A statutory finding as a sentence, ending with the article it rests on."""
    code = finding.get("code")
    floor, actual = finding.get("floor", ""), finding.get("actual", "")
    extra = finding.get("extra") or {}
    texts = {
        "below_hourly_minimum": _(
            "Hourly pay %(actual)s yuan is below the hourly minimum wage of %(floor)s yuan."
        ),
        "below_monthly_minimum": _(
            "Monthly pay %(actual)s yuan is below the monthly minimum wage of %(floor)s yuan."
        ),
        "below_statutory_multiple": _(
            "%(actual)s %% of normal pay is below the statutory %(floor)s %% (Labour Law art. 44)."
        ),
        "break_too_short": _("A break of %(actual)s minutes is shorter than %(floor)s minutes."),
        "break_too_late": _(
            "A break only after %(actual)s hours online comes too late: work of more than "
            "%(floor)s continuous hours needs a break of at least 20 minutes."
        ),
        "break_hours_unknown": _(
            "After how many hours online the break is given is not set: only its length is checked."
        ),
        "holiday_not_above_normal": _("Holiday pay of %(actual)s %% is not above normal pay."),
        "compensatory_rest_given": _(
            "Compensatory rest is given for rest-day work, so the 200 %% premium does not apply."
        ),
        "public_insurance_subsidy": _(
            "Note: the human-resources bureau subsidises flexible workers' accident insurance "
            "with up to %(floor)s yuan per person per year. This caps the public subsidy, not "
            "what the platform pays."
        ),
        "quota_not_feasible": _(
            "A quota of %(actual)s is above what 90 %% of workers finish in legal hours (%(floor)s)."
        ),
        "subsidy_above_cap": _(
            "An accident-insurance subsidy of %(actual)s yuan is above the cap of %(floor)s yuan."
        ),
        "negative_amount": _("The amount is negative."),
        "minimum_wage_unknown": _("No minimum wage is recorded for the region: not checked."),
        "expected_pace_unknown": _("No expected pieces per hour: the piece rate is not checked."),
        "throughput_sample_missing": _("No throughput data uploaded: the quota is not checked."),
    }
    template = texts.get(code)
    if template is None:
        return str(code)
    sentence = template % {"floor": floor, "actual": actual}
    if extra.get("holidays"):
        sentence += " " + _(
            "The official calendar has %(days)s statutory holiday days in the next twelve "
            "months, the first on %(first)s."
        ) % {"days": extra["holidays"], "first": extra.get("first_holiday", "")}
    if extra.get("pace"):
        pace_text = (
            _("Pace used: %(pace)s pieces per hour, the slowest tenth of the throughput sample.")
            if extra.get("pace_source") == "sample"
            else _("Pace used: %(pace)s pieces per hour, the expected pace entered on the item.")
        )
        sentence = f"{sentence} {pace_text % {'pace': extra['pace']}}"
    source = citation(finding.get("source_key") or finding.get("source") or "")
    if source:
        sentence = _("%(sentence)s (Source: %(source)s)") % {
            "sentence": sentence,
            "source": source,
        }
    return sentence


def finding_view(finding: dict) -> dict:
    """A finding for a page: its sentence and the legal guide section of its source."""
    key = finding.get("source_key") or finding.get("source") or ""
    return {"text": finding_text(finding), "url": guide_url(key)}


def bound_text(bound, unit: str) -> str:
    """``Needs ≥ 8.34 yuan/order — minimum wage (...)``: the rule an offer must keep."""
    value = f"{bound.value.normalize():f} {unit}".strip()
    if bound.direction == "max":
        template = _("Needs ≤ %(value)s — %(source)s")
    else:
        template = _("Needs ≥ %(value)s — %(source)s")
    return template % {"value": value, "source": citation(bound.source)}


def _changes(payload: dict) -> str:
    """``name: value`` pairs of an edit, with the field names in the active language."""
    return "; ".join(
        f"{FIELD_LABELS.get(name, name)}: {value or '-'}"
        for name, value in (payload.get("fields") or {}).items()
    )


def event_summary(event, titles: dict[int, str]) -> str:
    """One line of the minutes for an event (``titles`` maps item ids to titles)."""
    p = event.payload
    item = titles.get(p.get("item"), "")
    kind = event.kind
    if kind == "request.sent":
        return _(
            "Written bargaining request by the %(side)s; answer due %(due)s (Collective "
            "Contract Provisions art. 32)."
        ) % {
            "side": side_label(p.get("side")),
            "due": (p.get("answer_due") or "")[:10],
        }
    if kind == "request.answered":
        if p.get("accepted"):
            line = _("The %(side)s accepted the bargaining request.") % {
                "side": side_label(p.get("side"))
            }
        else:
            line = _("The %(side)s refused the bargaining request: %(reason)s") % {
                "side": side_label(p.get("side")),
                "reason": p.get("reason", ""),
            }
        if p.get("late"):
            line += " " + _(
                "The answer came after the 20 days (Collective Contract Provisions art. 32)."
            )
        return line
    if kind == "request.received_corrected":
        return _(
            "The request was received on %(day)s (%(reason)s); answer due %(due)s "
            "(Collective Contract Provisions art. 32)."
        ) % {
            "day": p.get("received_on", ""),
            "reason": p.get("reason", ""),
            "due": (p.get("answer_due") or "")[:10],
        }
    if kind == "request.reminder":
        return _("Reminder: the bargaining request must be answered by %(due)s.") % {
            "due": (p.get("answer_due") or "")[:10]
        }
    if kind == "representatives.changed":
        return _(
            "%(side)s representatives changed. Added: %(added)s. Removed: %(removed)s. Chief: %(chief)s."
        ) % {
            "side": side_label(p.get("side")),
            "added": "、".join(p.get("added") or []) or "-",
            "removed": "、".join(p.get("removed") or []) or "-",
            "chief": p.get("chief", ""),
        }
    if kind == "item.added":
        return _("Agenda item added: %(title)s") % {"title": p.get("title", "")}
    if kind == "case.updated":
        return _("Case details changed: %(changes)s") % {"changes": _changes(p)}
    if kind == "item.updated":
        return _("Agenda item “%(item)s” changed: %(changes)s") % {
            "item": item or p.get("title", ""),
            "changes": _changes(p),
        }
    if kind == "round.opened":
        return _("Round %(n)s opened, chaired by the %(side)s chief.") % {
            "n": p.get("number"),
            "side": side_label(p.get("chair_side")),
        }
    if kind == "round.closed":
        return _("Round %(n)s closed.") % {"n": p.get("number")}
    if kind == "offer":
        line = _("%(side)s offer on “%(item)s”: %(value)s") % {
            "side": side_label(p.get("side")),
            "item": item,
            "value": p.get("display", ""),
        }
        if p.get("note"):
            line += f" ({p['note']})"
        return line
    if kind == "item.tentative":
        line = _("“%(item)s” tentatively agreed at %(value)s.") % {
            "item": item,
            "value": p.get("display", ""),
        }
        if p.get("override"):
            line += " " + _("Legal floor overridden: %(reason)s") % {"reason": p["override"]}
        return line
    if kind == "item.reopened":
        return _("“%(item)s” reopened.") % {"item": item}
    if kind == "chat":
        return p.get("text", "")
    if kind == "suspension.proposed":
        return _("The %(side)s proposes to suspend talks until %(when)s.") % {
            "side": side_label(p.get("side")),
            "when": (p.get("next_meeting_at") or "")[:16].replace("T", " "),
        }
    if kind == "case.suspended":
        return _("Talks suspended by agreement; next meeting %(when)s.") % {
            "when": (p.get("next_meeting_at") or "")[:16].replace("T", " ")
        }
    if kind == "case.resumed":
        return _("Talks resumed.")
    if kind == "agreement.confirmed":
        return _("The %(side)s chief confirmed the agreement.") % {
            "side": side_label(p.get("side"))
        }
    if kind == "case.agreed":
        return _("Agreement reached on every item.")
    if kind == "session.consented":
        return _("The %(side)s chief agreed to open the table to union members.") % {
            "side": side_label(p.get("side"))
        }
    if kind == "session.opened":
        return _("Both chiefs agreed: union members may now watch the table.")
    if kind == "session.closed":
        return _("The %(side)s chief closed the table to union members.") % {
            "side": side_label(p.get("side"))
        }
    if kind == "session.consent_withdrawn":
        return _("The %(side)s chief withdrew the agreement to open the table.") % {
            "side": side_label(p.get("side"))
        }
    return kind
