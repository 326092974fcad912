"""Complaint pages: the member files and follows, the union's staff handle, the company side
reads what it may and replies. Thin: parse, call one selector or service, render."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from legalaid.attachments import MAX_ATTACHMENT_BYTES
from legalaid.complaints import selectors, services
from legalaid.complaints.forms import ComplaintForm, RatingForm
from legalaid.complaints.models import Category
from unionhome.core import roles
from unionhome.core.errors import DomainError, NotFound


def _get_or_404(user, pk: int):
    try:
        return selectors.complaint_get(user=user, complaint_id=pk)
    except NotFound as exc:
        raise Http404(str(exc)) from exc


@login_required
def my_complaints(request):
    return render(
        request,
        "complaints/complaint_list.html",
        {
            "complaints": selectors.complaints_of_member(request.user),
            "is_member": roles.active_membership(request.user) is not None,
            "company_complaints": selectors.complaints_for_company(request.user),
            "is_handler": bool(selectors.handled_union_ids(request.user)),
        },
    )


@login_required
def complaint_new(request):
    form = ComplaintForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        files = [(f.name, f.read(MAX_ATTACHMENT_BYTES + 1)) for f in data["evidence"]]
        try:
            complaint = services.complaint_file(
                member=request.user,
                category=data["category"],
                company=data["company"],
                description=data["description"],
                happened_on=data["happened_on"],
                wants=data["wants"],
                disclose_identity=data["disclose_identity"],
                evidence=files,
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.detail)
        else:
            messages.success(
                request,
                _("Complaint %(ref)s received. The union will take it up by %(due)s.")
                % {
                    "ref": complaint.reference,
                    "due": timezone.localtime(complaint.triage_due).strftime("%Y-%m-%d"),
                },
            )
            return redirect("complaints:detail", pk=complaint.pk)
    return render(
        request,
        "complaints/complaint_form.html",
        {"form": form, "known": selectors.known_companies()},
    )


@login_required
def complaint_detail(request, pk: int):
    complaint, role = _get_or_404(request.user, pk)
    context = {
        "complaint": complaint,
        "role": role,
        "identity": selectors.member_identity(complaint=complaint, role=role),
        "overdue": complaint.status == "submitted" and complaint.triage_due < timezone.now(),
        "rating_form": RatingForm(),
    }
    if role != "company":
        context["steps"] = complaint.steps.all()
        context["evidence"] = complaint.evidence.all()
    if role == "handler":
        # Staff of the complaint's union or of a union above it may take the case.
        union_ids = [complaint.union_id, *(u.pk for u in complaint.union.ancestors())]
        context["officers"] = (
            get_user_model().objects.filter(union_staff_links__union_id__in=union_ids).distinct()
        )
        context["today"] = timezone.localdate()
    return render(request, "complaints/complaint_detail.html", context)


def _run_action(user, complaint, action: str, post) -> None:
    """One desk action → one service call."""
    text = post.get("text", "")
    if action == "assign":
        officer = get_user_model().objects.filter(pk=post.get("officer") or 0).first()
        if officer is None:
            raise DomainError(services.ERR_OFFICER, _("Choose an officer."), field="officer")
        services.complaint_assign(actor=user, complaint=complaint, officer=officer)
    elif action == "advise":
        services.complaint_advise(actor=user, complaint=complaint, advice=text)
    elif action == "refer":
        services.complaint_refer(actor=user, complaint=complaint, to=post.get("to", ""))
    elif action == "meeting":
        try:
            held_on = dt.date.fromisoformat(post.get("held_on", ""))
        except ValueError as exc:
            raise DomainError("invalid_date", _("Enter a valid date."), field="held_on") from exc
        services.mediation_meeting_record(
            actor=user, complaint=complaint, held_on=held_on, notes=text
        )
    elif action == "settle":
        services.mediation_settle(actor=user, complaint=complaint, settlement=text)
    elif action == "honoured":
        services.settlement_honoured_record(
            actor=user, complaint=complaint, honoured=post.get("honoured") == "yes"
        )
    elif action == "notice":
        services.notice_issue(actor=user, complaint=complaint, text=text)
    elif action == "reply":
        services.notice_reply_record(actor=user, complaint=complaint, reply=text)
    elif action == "resolve":
        services.complaint_resolve(actor=user, complaint=complaint, outcome=text)
    elif action == "rate":
        form = RatingForm(post)
        if not form.is_valid():
            raise DomainError(services.ERR_RATING, _("Rate from 1 to 5."), field="rating")
        services.complaint_rate(
            member=user,
            complaint=complaint,
            rating=form.cleaned_data["rating"],
            comment=form.cleaned_data["comment"],
        )
    else:
        raise Http404


@login_required
@require_POST
def complaint_action(request, pk: int, action: str):
    complaint, _role = _get_or_404(request.user, pk)
    try:
        _run_action(request.user, complaint, action, request.POST)
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("Saved."))
    return redirect("complaints:detail", pk=pk)


@login_required
def desk(request):
    """The union's complaints, the untriaged first with their deadline."""
    if not selectors.handled_union_ids(request.user):
        raise Http404(_("This page is for union staff."))
    return render(
        request,
        "complaints/desk.html",
        {"complaints": selectors.complaints_for_desk(request.user)[:200], "now": timezone.now()},
    )


@login_required
def patterns(request):
    """Anonymised counts. Union staff see their unions', federation staff everyone's, and the
    union side of a bargaining case sees those about its counterpart."""
    user = request.user
    company = request.GET.get("company") or None
    if roles.is_federation_staff(user):
        union_ids = None
    elif selectors.handled_union_ids(user):
        union_ids = selectors.handled_union_ids(user)
    elif company and selectors.negotiates_with(user=user, company=company):
        union_ids = None
    else:
        raise Http404(_("This page is for union staff."))
    data = selectors.patterns(union_ids=union_ids, company=company)
    labels = dict(Category.choices)
    data["by_category"] = [(labels.get(key, key), n) for key, n in data["by_category"]]
    return render(request, "complaints/patterns.html", {"data": data, "company": company})
