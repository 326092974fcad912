"""Member-facing pages of the union core: join, membership card, transfer, privacy, posters.

Thin views: they read the request, call one selector or service, and render. Domain errors
become form errors or a clear page.
"""

from __future__ import annotations

import json
import time

from allauth.account.internal.flows.login import perform_login, record_authentication
from allauth.account.models import Login
from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from unionhome.accounts import phones, sms_codes
from unionhome.core import qr, roles
from unionhome.core.errors import DomainError, NotAllowed
from unionhome.membership import personal_data, selectors, services
from unionhome.membership.forms import WORKER_TYPE_HELP, ApplicationForm
from unionhome.membership.home import member_todo
from unionhome.membership.models import (
    JoinCode,
    JoinCodeKind,
    Membership,
    MembershipStatus,
    PhoneNumber,
    Transfer,
    Union,
    mask_id_number,
)


def _base_url(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _bad_token_page(request, error: DomainError):
    return render(
        request,
        "unionhome/join_invalid.html",
        {"error": error, "code": error.code},
        status=422,
    )


def join(request, token: str):
    """The page a join QR opens: apply, log in / sign up first, or transfer."""
    try:
        code = selectors.join_code_from_token(token=token)
    except DomainError as error:
        return _bad_token_page(request, error)
    union = code.union
    context = {"code": code, "union": union, "token": token, "general": False, "step": 0}
    districts = []
    if code.kind == JoinCodeKind.GENERAL:
        districts = selectors.union_districts(union=union)
        context["general"] = True

    if not request.user.is_authenticated:
        return _join_by_phone(request, context)

    active = roles.active_membership(request.user)
    if active is not None:
        context["active"] = active
        context["pending_transfer"] = selectors.transfer_pending_for_user(user=request.user)
        template = (
            "unionhome/join_already_member.html"
            if active.union_id == union.pk
            else "unionhome/join_transfer.html"
        )
        return render(request, template, context)

    pending = Membership.objects.filter(user=request.user, status=MembershipStatus.PENDING).first()
    if pending is not None:
        messages.info(request, _("Your application is waiting for the union's decision."))
        return redirect("unionhome:my_membership")

    if request.method == "POST":
        form = ApplicationForm(request.POST, districts=districts)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.membership_apply(
                    user=request.user,
                    token=token,
                    full_name=data["full_name"],
                    phone=data["phone"],
                    id_number=data["id_number"],
                    worker_type=data["worker_type"],
                    occupation=data["occupation"],
                    platform=data["platform"],
                    city=data["city"],
                    consent=data["consent"],
                    district=data.get("district"),
                )
            except DomainError as error:
                if error.code in selectors.TOKEN_ERRORS:
                    return _bad_token_page(request, error)
                form.add_error(error.field if error.field in form.fields else None, error.detail)
            else:
                messages.success(
                    request, _("Thank you! Your application has been sent to the union.")
                )
                return redirect("unionhome:my_membership")
    else:
        phone = PhoneNumber.objects.filter(user=request.user).first()
        form = ApplicationForm(
            districts=districts,
            initial={
                "full_name": request.user.get_full_name(),
                "phone": phone.phone.removeprefix("+86") if phone else "",
            },
        )
    context.update(form=form, step=2, worker_type_help=WORKER_TYPE_HELP)
    return render(request, "unionhome/join_form.html", context)


JOIN_SMS_SESSION_KEY = "join_sms_code"


def _join_by_phone(request, context):
    """Step 1 on the join screen itself: the mobile number, "get code", the code. Asking for a
    code answers JSON to the page's script (and re-renders the page without it); a right
    code logs the worker in through allauth and comes back here for step 2."""
    here = request.get_full_path()
    state = dict(request.session.get(JOIN_SMS_SESSION_KEY) or {})
    now = time.time()
    phone = request.POST.get("phone", "").strip()
    wants_json = "application/json" in request.headers.get("Accept", "")
    error = None
    notice = None
    if request.method == "POST" and "send_code" in request.POST:
        try:
            if not ratelimit.consume(request, action="request_login_code", key=phone.lower()):
                raise DomainError(
                    "too_many_requests",
                    _("Too many requests. Please try again in a minute."),
                    status=429,
                )
            wait = sms_codes.send_code(phone=phone, state=state, now=now)
        except DomainError as exc:
            error = exc
        else:
            request.session[JOIN_SMS_SESSION_KEY] = state
            notice = _("A verification code has been sent to %(phone)s.") % {
                "phone": phones.masked(state["phone"])
            }
            if wants_json:
                return JsonResponse({"detail": notice, "wait": wait})
        if error is not None and wants_json:
            return JsonResponse(
                {"detail": error.detail, "code": error.code, **error.extra}, status=error.status
            )
    elif request.method == "POST":
        try:
            user = sms_codes.confirm_code(
                phone=phone, code=request.POST.get("code", "").strip(), state=state, now=now
            )
        except DomainError as exc:
            error = exc
            request.session[JOIN_SMS_SESSION_KEY] = state
        else:
            request.session.pop(JOIN_SMS_SESSION_KEY, None)
            record_authentication(request, user, method="code", phone=phone)
            return perform_login(request, Login(user=user, redirect_url=here))
    context.update(
        step=1,
        phone=phone or phones.local_digits(state.get("phone", "")),
        error=error,
        notice=notice,
        wait=sms_codes.seconds_until_resend(state=state, now=now),
        resend_seconds=sms_codes.RESEND_SECONDS,
        login_url=reverse("account_login") + "?" + urlencode({"next": here}),
    )
    return render(request, "unionhome/join_anonymous.html", context)


@login_required
@require_POST
def join_transfer(request, token: str):
    """An active member confirms moving to the union whose QR they scanned."""
    try:
        services.transfer_request(user=request.user, token=token)
    except DomainError as error:
        if error.code in selectors.TOKEN_ERRORS:
            return _bad_token_page(request, error)
        messages.error(request, error.detail)
        return redirect("unionhome:my_membership")
    messages.success(request, _("Your transfer request has been sent to the new union."))
    return redirect("unionhome:my_membership")


@login_required
def my_membership(request):
    membership = selectors.membership_current(user=request.user)
    context = {
        "membership": membership,
        "transfer": selectors.transfer_pending_for_user(user=request.user),
        "notifications": selectors.notifications_for(user=request.user),
        "deletion_pending": request.user.deletion_requests.filter(status="pending").exists(),
        "todo": member_todo(user=request.user),
    }
    if membership is not None:
        context["id_masked"] = mask_id_number(membership.id_number)
        context["history"] = list(membership.events.all())
        if membership.status == MembershipStatus.ACTIVE:
            url = selectors.card_url(membership=membership, base_url=_base_url(request))
            context["card_qr"] = qr.qr_svg_inline(url)
    personal_data.notification_mark_read(user=request.user)
    return render(request, "unionhome/my_membership.html", context)


@login_required
@require_POST
def transfer_cancel(request, pk: int):
    transfer = get_object_or_404(Transfer, pk=pk, user=request.user)
    try:
        services.transfer_cancel(transfer=transfer, user=request.user)
    except DomainError as error:
        messages.error(request, error.detail)
    else:
        messages.success(request, _("Your transfer request has been withdrawn."))
    return redirect("unionhome:my_membership")


@login_required
def membership_export(request):
    data = personal_data.member_data_export(user=request.user)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
    )
    response["Content-Disposition"] = 'attachment; filename="my-union-data.json"'
    return response


@login_required
def membership_delete(request):
    if request.method == "POST":
        try:
            personal_data.deletion_request_create(
                user=request.user, note=request.POST.get("note", "")
            )
        except DomainError as error:
            messages.error(request, error.detail)
        else:
            messages.success(
                request, _("Your request has been sent. Union staff will carry it out.")
            )
        return redirect("unionhome:my_membership")
    return render(request, "unionhome/membership_delete.html")


def verify_card(request, token: str):
    """What staff see when they scan a member's card: the union and status; the name and
    masked ID only for staff of the member's union (membership.selectors.card_check)."""
    if not request.user.is_authenticated:
        return redirect(reverse("account_login") + "?" + urlencode({"next": request.path}))
    try:
        check = selectors.card_check(user=request.user, token=token)
    except NotAllowed:
        raise PermissionDenied from None
    except DomainError as error:
        return render(request, "unionhome/verify_card.html", {"error": error}, status=404)
    return render(request, "unionhome/verify_card.html", {"check": check})


def privacy(request):
    return render(request, "unionhome/privacy.html")


def union_detail(request, pk: int):
    union = get_object_or_404(Union, pk=pk)
    code = selectors.join_code_default(union=union)
    url = selectors.join_url(code=code, base_url=_base_url(request)) if code else ""
    return render(
        request,
        "unionhome/union_detail.html",
        {
            "union": union,
            "join_url": url,
            "join_qr": qr.qr_svg_inline(url) if url else "",
            "is_staff": roles.is_union_staff(request.user, union),
        },
    )


def union_poster(request, pk: int, code_id: int | None = None):
    """A print-ready A4 poster with the union's join QR (browsers print or save it as PDF)."""
    union = get_object_or_404(Union, pk=pk)
    if code_id is None:
        code = selectors.join_code_default(union=union)
        if code is None:
            raise Http404(_("This union has no join code yet."))
    else:
        code = get_object_or_404(JoinCode, pk=code_id, union=union)
        if not roles.is_union_staff(request.user, union):
            raise PermissionDenied
    try:
        # A poster of a switched-off or expired code would only disappoint.
        selectors.join_code_from_token(token=selectors.join_token(code=code))
    except DomainError as error:
        return _bad_token_page(request, error)
    url = selectors.join_url(code=code, base_url=_base_url(request))
    return render(
        request,
        "unionhome/poster.html",
        {"union": union, "code": code, "join_url": url, "join_qr": qr.qr_svg_inline(url)},
    )
