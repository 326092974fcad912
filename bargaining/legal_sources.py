"""The legal sources the platform cites, and where the legal guide explains each.

Every warning, refusal and deadline a user sees names its source with ``citation(key)`` (in
the active language: the Chinese catalog carries the official citation, e.g. "集体合同规定
第三十六条") and links to ``guide_url(key)``, the legal guide page whose sections explain each
rule (bargaining/legal_guide.py, seeded by the demo as a cms LegalGuidePage).
"""

from __future__ import annotations

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

GUIDE_INDEX_SLUG = "legal-guides"
GUIDE_SLUG = "collective-contract-rules"

SOURCES = {
    "ccp_19": _("Collective Contract Provisions art. 19"),
    "ccp_20": _("Collective Contract Provisions art. 20"),
    "ccp_21": _("Collective Contract Provisions art. 21"),
    "ccp_23": _("Collective Contract Provisions art. 23"),
    "ccp_24": _("Collective Contract Provisions art. 24"),
    "ccp_32": _("Collective Contract Provisions art. 32"),
    "ccp_36": _("Collective Contract Provisions art. 36"),
    "ccp_38": _("Collective Contract Provisions art. 38"),
    "ccp_42": _("Collective Contract Provisions art. 42"),
    "ccp_46": _("Collective Contract Provisions art. 46"),
    "ccp_47": _("Collective Contract Provisions art. 47"),
    "civil_code_203": _("Civil Code art. 203"),
    "civil_code_1259": _("Civil Code art. 1259"),
    "labour_law_44": _("Labour Law art. 44"),
    "lcl_55": _("Labour Contract Law art. 55"),
    "min_wage_12": _("Minimum Wage Provisions art. 12"),
    "plan_2_break": _("City implementation plan §2 (breaks)"),
    "plan_2_quota": _("City implementation plan §2 (labour quotas)"),
    "plan_2_hours": _("City implementation plan §2 (online working time)"),
    "plan_2_holiday": _("City implementation plan §2 (holiday pay)"),
    "plan_3_insurance": _("City implementation plan §3 (accident-insurance subsidy)"),
    "holidays": _("Regulations on National Annual Holidays and the State Council's arrangement"),
}


def citation(key: str) -> str:
    """The citation of ``key`` in the active language ("" for an unknown key)."""
    label = SOURCES.get(key)
    return str(label) if label is not None else ""


def guide_url(key: str, language: str | None = None) -> str:
    """The legal guide section that explains ``key`` (Chinese at /, English under /en/)."""
    if key not in SOURCES:
        return ""
    prefix = "/en" if (language or get_language() or "").startswith("en") else ""
    return f"{prefix}/{GUIDE_INDEX_SLUG}/{GUIDE_SLUG}/"


def source_dict(key: str) -> dict:
    """What an API response or a page carries about a rule's source."""
    return {"source": citation(key), "source_key": key, "source_url": guide_url(key)}
