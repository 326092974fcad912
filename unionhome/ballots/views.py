"""Member pages: my ballots, the ballot paper, the confirmation step, the receipt, results.

Thin: each view calls selectors/services and renders; DomainError becomes a page message
or the right HTTP status.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bargaining.legal_sources import citation, guide_url
from unionhome.ballots import roster, selectors, services
from unionhome.ballots.models import Ballot, BallotStatus, Electorate
from unionhome.core.errors import DomainError


def _ballot(request, pk):
    try:
        ballot = selectors.ballot_get_for_user(user=request.user, ballot_id=pk)
    except DomainError as err:
        raise Http404(err.detail) from err
    # A read never opens the ballot (the tick or the first vote does): count in memory.
    return selectors.ballot_with_electorate(ballot=ballot)


def _paper_context(request, ballot, *, chosen=(), error=None):
    now = timezone.now()
    status = ballot.status_at(now)
    receipt = selectors.ballot_receipt_of(ballot=ballot, user=request.user)
    eligible = selectors.ballot_is_eligible(ballot=ballot, user=request.user)
    return {
        "ballot": ballot,
        "status": status,
        "options": [(o, selectors.option_label(o)) for o in ballot.options.all()],
        "multiple": ballot.choice_limit > 1,
        "chosen": {int(c) for c in chosen if str(c).isdigit()},
        "receipt": receipt,
        "eligible": eligible,
        "can_vote": status == BallotStatus.OPEN and eligible and not receipt,
        "is_staff": selectors.ballot_is_staff(ballot=ballot, user=request.user),
        # While open: how many have voted (a count only; never how, never who).
        "turnout_so_far": selectors.ballot_turnout(ballot=ballot)
        if status == BallotStatus.OPEN
        else None,
        "error": error,
    }


@login_required
def my_ballots(request):
    rows = selectors.member_ballots(user=request.user)
    return render(request, "ballots/my_ballots.html", {"rows": rows})


@login_required
def ballot_detail(request, pk):
    ballot = _ballot(request, pk)
    return render(request, "ballots/ballot.html", _paper_context(request, ballot))


@login_required
@require_POST
def ballot_confirm(request, pk):
    """The confirmation step: show the choice back and say it cannot be changed."""
    ballot = _ballot(request, pk)
    option_ids = request.POST.getlist("option_ids")
    try:
        chosen = selectors.ballot_check_choice(ballot=ballot, option_ids=option_ids)
    except DomainError as err:
        context = _paper_context(request, ballot, chosen=option_ids, error=err.detail)
        return render(request, "ballots/ballot.html", context, status=422)
    context = _paper_context(request, ballot)
    context["chosen_options"] = [(o, selectors.option_label(o)) for o in chosen]
    return render(request, "ballots/confirm.html", context)


@login_required
@require_POST
def ballot_cast(request, pk):
    ballot = _ballot(request, pk)
    option_ids = request.POST.getlist("option_ids")
    try:
        services.ballot_cast(ballot=ballot, user=request.user, option_ids=option_ids)
    except DomainError as err:
        if err.status == 422:
            context = _paper_context(request, ballot, chosen=option_ids, error=err.detail)
            return render(request, "ballots/ballot.html", context, status=422)
        messages.error(request, err.detail)
        return redirect("ballots:detail", pk=ballot.pk)
    messages.success(request, _("Your vote has been recorded."))
    return redirect("ballots:receipt", pk=ballot.pk)


@login_required
def ballot_receipt(request, pk):
    ballot = _ballot(request, pk)
    receipt = selectors.ballot_receipt_of(ballot=ballot, user=request.user)
    if receipt is None:
        return redirect("ballots:detail", pk=ballot.pk)
    context = {
        "ballot": ballot,
        "receipt": receipt,
        "status": ballot.status_at(timezone.now()),
    }
    return render(request, "ballots/receipt.html", context)


@login_required
def ballot_results(request, pk):
    ballot = _ballot(request, pk)
    try:
        results = selectors.ballot_results(ballot=ballot, user=request.user)
    except DomainError as err:
        raise PermissionDenied(err.detail) from err
    context = {
        "ballot": ballot,
        "results": results,
        "chart": mark_safe(selectors.ballot_chart_svg(results=results))  # noqa: S308 - escaped
        if results.published
        else "",
        "thresholds": mark_safe(selectors.ballot_threshold_svg(results=results)),  # noqa: S308 - escaped
        "elected": [o for o in results.options or [] if o.elected]
        if ballot.kind == "election"
        else [],
        "is_staff": selectors.ballot_is_staff(ballot=ballot, user=request.user),
        "receipt": selectors.ballot_receipt_of(ballot=ballot, user=request.user),
        "voters": selectors.ballot_voters(ballot=ballot, user=request.user)
        if selectors.ballot_is_staff(ballot=ballot, user=request.user)
        else None,
        "code_voters": selectors.ballot_code_voters(ballot=ballot, user=request.user)
        if selectors.ballot_is_staff(ballot=ballot, user=request.user)
        else [],
    }
    return render(request, "ballots/results.html", context)


@login_required
def ballot_receipts(request, pk):
    ballot = _ballot(request, pk)
    try:
        receipts = selectors.ballot_receipts(ballot=ballot, user=request.user)
    except DomainError as err:
        raise PermissionDenied(err.detail) from err
    context = {
        "ballot": ballot,
        "receipts": receipts,
        "mine": selectors.ballot_receipt_of(ballot=ballot, user=request.user),
    }
    return render(request, "ballots/receipts.html", context)


@login_required
def ballot_notice(request, pk):
    ballot = _ballot(request, pk)
    try:
        content = selectors.ballot_notice_docx(ballot=ballot, user=request.user)
    except DomainError as err:
        raise PermissionDenied(err.detail) from err
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = f'attachment; filename="ballot-{ballot.pk}-result.docx"'
    return response


def ballot_vote_with_code(request, pk):
    """A covered worker without an account votes with a one-time SMS code (Collective Contract
    Provisions art. 36: all the workers a contract covers, members or not). No login."""
    ballot = get_object_or_404(Ballot, pk=pk, electorate=Electorate.COVERED_WORKERS)
    context = {
        "ballot": ballot,
        "status": ballot.status_at(timezone.now()),
        "options": [(o, selectors.option_label(o)) for o in ballot.options.all()],
        "phone": request.POST.get("phone", "")[:20],
        "code_sent": False,
        "source": citation("ccp_36"),
        "source_url": guide_url("ccp_36"),
    }
    if request.method == "POST":
        try:
            if request.POST.get("step") == "vote":
                context["code_sent"] = True
                context["receipt"] = roster.ballot_cast_with_code(
                    ballot=ballot,
                    phone=context["phone"],
                    code=request.POST.get("code", ""),
                    option_ids=request.POST.getlist("option_ids"),
                )
            else:
                roster.ballot_send_code(ballot=ballot, phone=context["phone"])
                context["code_sent"] = True
        except DomainError as err:
            context["error"] = err.detail
    return render(request, "ballots/code_vote.html", context)
