"""Agreed -> draft: the legal checks a draft must pass before it is generated.

- Labour Contract Law art. 55 ("集体合同中劳动报酬和劳动条件等标准不得低于当地人民政府规定
  的最低标准"): a contract whose agreed items break a MANDATORY floor (minimum wage, Labour
  Law art. 44 premiums for workers with a labour relationship, the 20-minute break) cannot be
  drafted, whatever a chief's override recorded during the talks: 409 ``floor_breach`` with
  the items. Overrides of non-mandatory warnings stay allowed and are printed in the minutes.
- Collective Contract Provisions art. 38 ("集体合同或专项集体合同期限一般为1至3年"): the term
  item the sides agreed and the contract's term must be the same (409 ``term_conflict``); a
  term outside one to three years is possible ("一般", generally) but only when a chief or
  staff confirm it with a reason (409 ``term_unusual`` until then). The term is never
  silently changed.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from bargaining import statutory
from bargaining.contracts import documents, lifecycle
from bargaining.contracts.docx_builder import ZH
from bargaining.contracts.models import Contract, ContractVersion
from bargaining.legal_sources import citation, source_dict
from bargaining.models import AgendaItem, Case, CaseStatus, ItemStatus
from bargaining.services import offer_check
from unionhome.core.errors import Conflict, DomainError

FLOOR_BREACH = "floor_breach"
TERM_CONFLICT = "term_conflict"
TERM_UNUSUAL = "term_unusual"
BAD_TERM = "invalid_term"
MAX_TERM_YEARS = Decimal("10")


def years_value(value) -> Decimal | None:
    """A term in years as a Decimal of whole months (2.5 -> 2.5), or None if it is not one."""
    try:
        years = Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        return None
    if not years.is_finite() or years <= 0 or years > MAX_TERM_YEARS:
        return None
    if (years * 12) != (years * 12).to_integral_value():
        return None
    return years.normalize()


def agreed_term(case: Case) -> tuple[AgendaItem | None, Decimal | None]:
    """The item on the "term" topic the sides agreed, and its value in years."""
    item = (
        case.items.filter(topic="term", status=ItemStatus.AGREED).order_by("position", "id").first()
    )
    if item is None:
        return None, None
    years = years_value(item.agreed_value)
    if years is None:
        raise Conflict(
            TERM_CONFLICT,
            _("The agreed term “%(value)s” is not a term in years.") % {"value": item.agreed_text},
        )
    return item, years


def floor_breaches(case: Case) -> list[dict]:
    """The agreed items that break a mandatory legal floor, re-checked against today's floors
    (the minimum wage table may have changed since the talks)."""
    breaches = []
    for item in case.items.filter(status=ItemStatus.AGREED).order_by("position", "id"):
        if not item.statutory_check:
            continue
        findings = offer_check(item=item, case=case, value=item.agreed_value)
        mandatory = [f for f in findings if statutory.breaks_mandatory_floor([f])]
        if mandatory:
            breaches.append(
                {
                    "id": item.pk,
                    "title": item.title,
                    "value": item.agreed_text,
                    "findings": [{**f.as_dict(), **source_dict(f.source)} for f in mandatory],
                    "overridden": bool(item.agreed_override),
                }
            )
    return breaches


def check_floors(case: Case) -> None:
    breaches = floor_breaches(case)
    if breaches:
        raise DomainError(
            FLOOR_BREACH,
            _(
                "The agreed items break a mandatory legal floor, so no contract can be drafted: "
                "%(items)s. Collective standards may not be below the legal minimum (%(source)s)."
            )
            % {
                "items": "、".join(b["title"] for b in breaches),
                "source": citation("lcl_55"),
            },
            status=409,
            extra={"items": breaches, **source_dict("lcl_55")},
        )


def resolve_term(
    case: Case, contract: Contract | None, requested, confirm_reason: str
) -> tuple[Decimal, str]:
    """The term of the draft and the recorded reason for an unusual one (art. 38)."""
    asked = None
    if requested not in (None, ""):
        asked = years_value(requested)
        if asked is None:
            raise DomainError(
                BAD_TERM,
                _("The term must be a number of years in whole months."),
                field="term_years",
            )
    item, agreed = agreed_term(case)
    if agreed is not None and asked is not None and agreed != asked:
        raise Conflict(
            TERM_CONFLICT,
            _(
                "The sides agreed a term of %(agreed)s years (item “%(item)s”), not "
                "%(asked)s: the contract must state the agreed term (%(source)s)."
            )
            % {
                "agreed": agreed,
                "item": item.title,
                "asked": asked,
                "source": citation("ccp_38"),
            },
        )
    term = agreed or asked or (contract.term_years if contract else None) or Decimal("3")
    term = Decimal(term).normalize()
    reason = (confirm_reason or "").strip()[:500]
    if not Decimal("1") <= term <= Decimal("3"):
        previous = contract.term_note if contract and contract.term_years == term else ""
        reason = reason or previous
        if not reason:
            raise Conflict(
                TERM_UNUSUAL,
                _(
                    "A term of %(years)s years is outside the usual one to three years "
                    "(%(source)s): a chief representative or staff must confirm it with a "
                    "reason."
                )
                % {"years": term, "source": citation("ccp_38")},
            )
    else:
        reason = ""
    return term, reason


def contract_draft(*, case: Case, by, term_years=None, confirm_term: str = "") -> ContractVersion:
    """Generate (or regenerate) the draft contract; every generation is kept as a version."""
    with transaction.atomic():
        case = lifecycle._lock(case)
        viewer = lifecycle._viewer(by, case)
        lifecycle._require(
            lifecycle._is_chief_or_staff(viewer),
            _("Only a chief representative or the union's staff may draft the contract."),
        )
        if case.status in (CaseStatus.REQUESTED, CaseStatus.ACTIVE, CaseStatus.SUSPENDED):
            pending = lifecycle.open_items(case)
            titles = "、".join(item.title for item in pending) or _("(no items)")
            raise Conflict(
                lifecycle.ITEMS_OPEN,
                _("Not every item is agreed yet. Open items: %(items)s") % {"items": titles},
            )
        lifecycle._require_status(case, CaseStatus.AGREED, CaseStatus.DRAFT)
        check_floors(case)
        existing = Contract.objects.select_for_update().filter(case=case).first()
        term, reason = resolve_term(case, existing, term_years, confirm_term)
        contract, _created = Contract.objects.select_for_update().get_or_create(
            case=case,
            defaults={"title": documents.contract_title(case, ZH), "term_years": term},
        )
        if (contract.term_years, contract.term_note) != (term, reason):
            contract.term_years, contract.term_note = term, reason
            contract.save(update_fields=["term_years", "term_note"])
        lifecycle._set_status(case, CaseStatus.DRAFT)
        version = lifecycle._store_versions(case, contract, by)[0]
        summary = _("Draft contract version %(n)s generated") % {"n": version.number}
        if reason:
            summary += " " + _("(term of %(years)s years confirmed: %(reason)s)") % {
                "years": term,
                "reason": reason,
            }
        lifecycle._event(
            case,
            "contract.drafted",
            by,
            summary,
            version=version.number,
            sha256=version.sha256,
            term_years=str(term),
            term_note=reason,
        )
    return version
