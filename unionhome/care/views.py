"""Care pages: the member's hardship page, staff file pages, campaign pages and the station
scanner. Thin: parse, call one selector or service, render; DomainError becomes a message."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from legalaid.attachments import MAX_ATTACHMENT_BYTES
from unionhome.care import campaigns, selectors, services
from unionhome.care.forms import (
    AidForm,
    ApplyForm,
    CloseForm,
    DecideForm,
    DocumentForm,
    RecheckForm,
    ScanForm,
    VisitForm,
)
from unionhome.care.models import CampaignStation, FileStatus, HardshipDocument
from unionhome.core import qr, roles
from unionhome.core.errors import DomainError, NotFound


def _uploads(files) -> list[tuple[str, bytes]]:
    # Read one byte past the limit so the service can tell "too large" apart.
    return [(f.name, f.read(MAX_ATTACHMENT_BYTES + 1)) for f in files]


def _file_or_404(user, pk: int, *, audit: bool = True):
    try:
        if audit:
            return services.hardship_read(actor=user, file_id=pk)
        return selectors.file_get(user=user, file_id=pk)
    except NotFound as exc:
        raise Http404(str(exc)) from exc


@login_required
def hardship(request):
    """The member's page: their file's state and aid, or the application form."""
    files = list(selectors.files_of_member(user=request.user).prefetch_related("aid", "documents"))
    open_file = next((f for f in files if f.is_open), None)
    form = ApplyForm()
    if request.method == "POST" and open_file is None:
        form = ApplyForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.hardship_apply(
                    actor=request.user,
                    member=request.user,
                    cause=data["cause"],
                    household_size=data["household_size"],
                    income_per_head=data["income_per_head"],
                    description=data["description"],
                    district=data["district"],
                    documents=_uploads(data["documents"]),
                )
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.detail)
            else:
                messages.success(request, _("Your application has been sent to your union."))
                return redirect("care:hardship")
    elif request.method == "POST" and open_file is not None:
        upload = DocumentForm(request.POST, request.FILES)
        if upload.is_valid():
            for name, data in _uploads(upload.cleaned_data["documents"]):
                try:
                    services.hardship_add_document(
                        actor=request.user, file=open_file, name=name, data=data
                    )
                except DomainError as error:
                    messages.error(request, error.detail)
                    break
            else:
                messages.success(request, _("Documents added."))
        return redirect("care:hardship")
    return render(
        request,
        "care/hardship.html",
        {
            "files": files,
            "open_file": open_file,
            "form": form,
            "document_form": DocumentForm(),
            "is_member": roles.active_membership(request.user) is not None,
        },
    )


@login_required
def document_download(request, pk: int):
    document = HardshipDocument.objects.filter(pk=pk).first()
    if document is None:
        raise Http404
    _file_or_404(request.user, document.file_id)
    response = FileResponse(
        document.content.open("rb"),
        content_type=document.content_type,
        as_attachment=True,
        filename=document.original_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _require_staff(request) -> None:
    if not roles.staffed_union_ids(request.user):
        raise PermissionDenied


@login_required
def staff_files(request):
    _require_staff(request)
    files = selectors.files_visible_to_staff(user=request.user)
    return render(
        request,
        "care/staff_files.html",
        {
            "waiting": files.filter(status__in=[FileStatus.SUBMITTED, FileStatus.VISITED]),
            "registered": files.filter(status=FileStatus.REGISTERED).order_by("recheck_due"),
            "others": files.filter(
                status__in=[FileStatus.LAPSED, FileStatus.DECLINED, FileStatus.CLOSED]
            )[:50],
            "campaigns": selectors.campaigns_for_staff(user=request.user),
        },
    )


STAFF_ACTIONS = {
    "visit": (
        VisitForm,
        lambda user, file, d: services.hardship_visit(
            actor=user, file=file, visited_on=d["visited_on"], notes=d["notes"]
        ),
    ),
    "decide": (
        DecideForm,
        lambda user, file, d: services.hardship_decide(
            actor=user, file=file, decision=d["decision"], level=d["level"], reason=d["reason"]
        ),
    ),
    "aid": (
        AidForm,
        lambda user, file, d: services.hardship_aid(
            actor=user,
            file=file,
            kind=d["kind"],
            amount=d["amount"],
            given_on=d["given_on"],
            fund=d["fund"],
        ),
    ),
    "recheck": (
        RecheckForm,
        lambda user, file, d: services.hardship_recheck(actor=user, file=file, level=d["level"]),
    ),
    "close": (
        CloseForm,
        lambda user, file, d: services.hardship_close(actor=user, file=file, reason=d["reason"]),
    ),
}


@login_required
def staff_file(request, pk: int):
    """One file for staff of the member's union: history, visits, aid and the next steps."""
    _require_staff(request)
    file = _file_or_404(request.user, pk, audit=request.method == "GET")
    if not selectors.is_file_staff(user=request.user, file=file):
        raise Http404
    forms = {name: form_class(prefix=name) for name, (form_class, _run) in STAFF_ACTIONS.items()}
    if request.method == "POST":
        name = request.POST.get("action", "")
        if name not in STAFF_ACTIONS:
            raise Http404
        form_class, run = STAFF_ACTIONS[name]
        form = forms[name] = form_class(request.POST, prefix=name)
        if form.is_valid():
            try:
                run(request.user, file, form.cleaned_data)
            except DomainError as error:
                form.add_error(None, error.detail)
            else:
                messages.success(request, _("Saved."))
                return redirect("care:staff_file", pk=file.pk)
    return render(
        request,
        "care/staff_file.html",
        {
            "file": file,
            "forms": forms,
            "visits": file.visits.select_related("visited_by"),
            "aid": file.aid.all(),
            "documents": file.documents.all(),
            "events": file.events.select_related("actor").exclude(kind="read"),
            "membership": file.membership,
        },
    )


# --- campaigns -------------------------------------------------------------------------


def campaigns_index(request):
    """The campaign news page: running campaigns and the stations that still have stock."""
    return render(request, "care/campaigns.html", {"campaigns": selectors.campaigns_running()})


def _supply_for_staff(request, campaign_id: int, station_id: int) -> CampaignStation:
    try:
        supply = selectors.supply_get(campaign_id=campaign_id, station_id=station_id)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    if not roles.is_union_staff(request.user, supply.campaign.union_id):
        raise Http404
    return supply


@login_required
def station_desk(request, campaign_id: int, station_id: int):
    """Staff at a station: scan a member's card with the phone camera, or type its code."""
    supply = _supply_for_staff(request, campaign_id, station_id)
    form = ScanForm()
    result = None
    if request.method == "POST":
        if request.POST.get("visitor"):
            try:
                campaigns.claim_visitor(actor=request.user, supply=supply)
                result = {"ok": True, "text": _("Visitor recorded.")}
            except DomainError as error:
                result = {"ok": False, "text": error.detail}
        else:
            form = ScanForm(request.POST)
            if form.is_valid():
                try:
                    claim = campaigns.claim_by_card(
                        actor=request.user, supply=supply, card_token=form.cleaned_data["card"]
                    )
                except DomainError as error:
                    result = {"ok": False, "text": error.detail}
                else:
                    result = {
                        "ok": True,
                        "text": _("Handed out to %(name)s (%(n)d of %(limit)d).")
                        % {
                            "name": claim.membership.full_name,
                            "n": claim.ordinal,
                            "limit": supply.campaign.limit_per_member,
                        },
                    }
                    form = ScanForm()
        supply.refresh_from_db()
    return render(
        request,
        "care/station_desk.html",
        {"supply": supply, "form": form, "result": result},
        status=200 if result is None or result["ok"] else 409,
    )


@login_required
def station_stock(request, campaign_id: int, station_id: int):
    """What the staff page polls: the stock left at this station."""
    supply = _supply_for_staff(request, campaign_id, station_id)
    return JsonResponse({"remaining": supply.remaining, "supplied": supply.supplied})


@login_required
def station_code(request, campaign_id: int, station_id: int):
    """The poster staff put up at the station: members scan it to claim."""
    supply = _supply_for_staff(request, campaign_id, station_id)
    url = request.build_absolute_uri(
        reverse("care:member_claim", kwargs={"token": campaigns.station_token(supply)})
    )
    return render(
        request,
        "care/station_code.html",
        {"supply": supply, "qr": qr.qr_svg_inline(url), "url": url},
    )


@login_required
def member_claim(request, token: str):
    """A member scanned the station code: confirm, then show the confirmation to staff."""
    try:
        campaign_id, station_id = campaigns.read_station_token(token)
        supply = selectors.supply_get(campaign_id=campaign_id, station_id=station_id)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    claim = None
    error = None
    if request.method == "POST":
        try:
            claim = campaigns.claim_by_station_code(member=request.user, supply=supply)
        except DomainError as exc:
            error = exc.detail
    return render(
        request,
        "care/member_claim.html",
        {"supply": supply, "claim": claim, "error": error},
        status=409 if error else 200,
    )
