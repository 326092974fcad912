"""Pages: the contract of a case (lifecycle actions for chiefs and staff) and the members'
page with the contract in force. Thin: each view calls one selector or service."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bargaining.contracts import documents, selectors, services
from bargaining.contracts.content import numbered
from bargaining.legal_sources import citation, guide_url
from unionhome.core.errors import DomainError

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _language(request) -> str:
    return documents.language_of(getattr(request, "LANGUAGE_CODE", ""))


def _date(value) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        raise DomainError("invalid_date", _("Not a date."), field="received_on") from None


def _get(finder, request, case_id):
    try:
        return finder(user=request.user, case_id=case_id)
    except DomainError:
        raise Http404(_("No such bargaining case.")) from None


@login_required
def member_contracts(request):
    """The contracts in force for the member's union, as HTML, with the DOCX download."""
    language = _language(request)
    rows = []
    for contract in selectors.contracts_in_force_for(user=request.user):
        data = selectors.contract_text(case=contract.case, contract=contract, language=language)
        if data is not None:
            rows.append({"contract": contract, "data": data, "chapters": numbered(data)})
    return render(request, "contracts/member_contracts.html", {"rows": rows})


@login_required
def contract_page(request, case_id: int):
    case, viewer = _get(selectors.case_for_contract, request, case_id)
    contract = selectors.contract_of(case)
    language = _language(request)
    data = selectors.contract_text(case=case, contract=contract, language=language)
    context = {
        "case": case,
        "viewer": viewer,
        "contract": contract,
        "data": data,
        "chapters": numbered(data) if data else [],
        "actions": selectors.contract_actions(case=case, viewer=viewer, contract=contract),
        "deadlines": selectors.contract_deadlines(case=case, contract=contract),
        "versions": list(contract.versions.all()) if contract and viewer.can_see else [],
        "can_see_records": viewer.can_see,
        "filing_ready": case.status in services.FILING_STATUSES,
        "rosters": selectors.rosters_for(case=case) if viewer.is_observer else [],
        "ratification_source": citation("ccp_36"),
        "ratification_source_url": guide_url("ccp_36"),
        "term_source": citation("ccp_38"),
        "term_source_url": guide_url("ccp_38"),
    }
    return render(request, "contracts/contract_page.html", context)


ACTIONS = {
    "draft": lambda case, user, post: services.contract_draft(
        case=case,
        by=user,
        term_years=(post.get("term_years") or "").strip() or None,
        confirm_term=post.get("confirm_term", ""),
    ),
    "submit": lambda case, user, post: services.contract_submit_for_ratification(
        case=case, by=user, body=post.get("body", ""), roster=post.get("roster") or None
    ),
    "result": lambda case, user, post: services.contract_record_ratification(case=case, by=user),
    "sign": lambda case, user, post: services.contract_sign(case=case, by=user),
    "file": lambda case, user, post: services.contract_file(
        case=case,
        by=user,
        reference=post.get("reference", ""),
        received_on=_date(post.get("received_on")),
    ),
    "object": lambda case, user, post: services.contract_record_objection(
        case=case, by=user, text=post.get("text", ""), item_ids=post.getlist("item_ids")
    ),
    "resume": lambda case, user, post: services.contract_resume_bargaining(case=case, by=user),
    "renew": lambda case, user, post: services.contract_request_renewal(case=case, by=user),
}


@login_required
@require_POST
def contract_action(request, case_id: int, action: str):
    case, _viewer = _get(selectors.case_for_records, request, case_id)
    handler = ACTIONS.get(action)
    if handler is None:
        raise Http404
    try:
        handler(case, request.user, request.POST)
    except (DomainError, ValueError) as error:
        messages.error(request, getattr(error, "detail", None) or _("Invalid input."))
    else:
        messages.success(request, _("Done."))
    return redirect("contracts:case", case_id=case.pk)


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def contract_docx(request, case_id: int):
    case, _viewer = _get(selectors.case_for_contract, request, case_id)
    language = documents.language_of(request.GET.get("lang") or _language(request))
    try:
        version = selectors.contract_version_for_download(case=case, language=language)
    except DomainError:
        raise Http404 from None
    with version.file.open("rb") as handle:
        content = handle.read()
    return _download(content, f"contract-{case.pk}-v{version.number}-{language}.docx", DOCX)


@login_required
def minutes_docx(request, case_id: int):
    case, _viewer = _get(selectors.case_for_records, request, case_id)
    return _download(
        documents.minutes_render(case, _language(request)), f"minutes-{case.pk}.docx", DOCX
    )


@login_required
def filing_zip(request, case_id: int):
    case, _viewer = _get(selectors.case_for_records, request, case_id)
    try:
        content = services.contract_filing_package(
            case=case, language=_language(request), user=request.user
        )
    except DomainError as error:
        messages.error(request, error.detail)
        return redirect("contracts:case", case_id=case.pk)
    return _download(content, f"filing-{case.pk}.zip", "application/zip")
