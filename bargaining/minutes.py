"""The event log as meeting minutes: one human-readable line per event (in the active
language), grouped per round. Used by the minutes page and by document builders."""

from __future__ import annotations

from django.utils.translation import gettext as _

from bargaining.models import Side

SIDE_LABEL = {Side.UNION.value: Side.UNION.label, Side.EMPLOYER.value: Side.EMPLOYER.label}


def side_label(side) -> str:
    return str(SIDE_LABEL.get(side, side or ""))


def finding_text(finding: dict) -> str:
    """A statutory finding as a sentence."""
    code = finding.get("code")
    floor, actual = finding.get("floor", ""), finding.get("actual", "")
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
        "break_too_short": _(
            "A break of %(actual)s minutes after 4 hours online is shorter than %(floor)s minutes."
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
    return template % {"floor": floor, "actual": actual}


def event_summary(event, titles: dict[int, str]) -> str:
    """One line of the minutes for an event (``titles`` maps item ids to titles)."""
    p = event.payload
    item = titles.get(p.get("item"), "")
    kind = event.kind
    if kind == "request.sent":
        return _("Written bargaining request by the %(side)s; answer due %(due)s.") % {
            "side": side_label(p.get("side")),
            "due": (p.get("answer_due") or "")[:10],
        }
    if kind == "request.answered":
        if p.get("accepted"):
            return _("The %(side)s accepted the bargaining request.") % {
                "side": side_label(p.get("side"))
            }
        return _("The %(side)s refused the bargaining request: %(reason)s") % {
            "side": side_label(p.get("side")),
            "reason": p.get("reason", ""),
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
    return kind
