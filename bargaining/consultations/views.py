"""Consultation pages: members read, comment and give an opinion; staff open, moderate and
compile the written opinion; the company publishes drafts and answers. Thin: parse, call one
selector or service, render."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bargaining.consultations import rules, selectors, services
from bargaining.consultations.forms import CommentForm, OpinionForm, PublishForm
from bargaining.consultations.models import Answer, Comment, Escalation, Opinion
from unionhome.core import roles
from unionhome.core.errors import DomainError, NotFound


def _get_or_404(user, pk: int):
    try:
        return selectors.consultation_get(user=user, consultation_id=pk)
    except NotFound as exc:
        raise Http404(str(exc)) from exc


@login_required
def consultation_list(request):
    items = selectors.consultations_visible(request.user)
    return render(
        request,
        "consultations/consultation_list.html",
        {
            "rows": [
                {"c": c, "status": selectors.status_of(c), "flag": selectors.flag_of(c)}
                for c in items
            ],
            "can_publish": bool(roles.company_names(request.user)),
        },
    )


@login_required
def publish(request):
    if not roles.company_names(request.user):
        raise Http404(_("This page is for the company's accounts."))
    form = PublishForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        membership_union = selectors.union_for_company(form.cleaned_data["company"])
        try:
            if membership_union is None:
                raise DomainError(
                    "no_union", _("No union deals with this company yet."), field="company"
                )
            consultation = services.consultation_publish(
                actor=request.user, union=membership_union, **form.cleaned_data
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.detail)
        else:
            messages.success(request, _("Published. The union will open a consultation."))
            return redirect("consultations:detail", pk=consultation.pk)
    return render(request, "consultations/publish.html", {"form": form})


@login_required
def consultation_detail(request, pk: int):
    c, role = _get_or_404(request.user, pk)
    status = selectors.status_of(c)
    context = {
        "c": c,
        "role": role,
        "status": status,
        "flag": selectors.flag_of(c),
        "comments": selectors.comments_public(c),
        "timeline": selectors.timeline(c),
        "results": selectors.counts(c) if status in (rules.CLOSED, rules.ANSWERED) else None,
        "requests": c.requests.all(),
        "escalations": c.escalations.all(),
        "Answer": Answer,
        "EscalationKind": Escalation.Kind,
    }
    if role == "member":
        context["my_opinion"] = Opinion.objects.filter(consultation=c, member=request.user).first()
        context["opinion_form"] = OpinionForm()
        context["comment_form"] = CommentForm()
    if role == "staff":
        context["pending"] = selectors.comments_pending(c)
        context["default_close"] = (timezone.localtime() + dt.timedelta(days=14)).strftime(
            "%Y-%m-%dT%H:%M"
        )
    return render(request, "consultations/consultation_detail.html", context)


def _run_action(user, c, action: str, post) -> None:
    """One page action → one service call."""
    if action == "comment":
        services.comment_add(member=user, consultation=c, text=post.get("text", ""))
    elif action == "opinion":
        services.opinion_give(member=user, consultation=c, position=post.get("position", ""))
    elif action == "open":
        try:
            closes_at = timezone.make_aware(dt.datetime.fromisoformat(post.get("closes_at", "")))
        except ValueError as exc:
            raise DomainError("invalid_date", _("Enter a valid date and time.")) from exc
        services.consultation_open(actor=user, consultation=c, closes_at=closes_at)
    elif action == "moderate":
        comment = Comment.objects.filter(pk=post.get("comment") or 0, consultation=c).first()
        if comment is None:
            raise Http404
        services.comment_moderate(actor=user, comment=comment, approve=post.get("approve") == "1")
    elif action == "compile":
        services.written_opinion_set(
            actor=user,
            consultation=c,
            union_position=post.get("union_position", ""),
            main_points=post.get("main_points", ""),
            requests=post.get("requests", "").splitlines(),
        )
    elif action == "send":
        services.written_opinion_send(actor=user, consultation=c)
    elif action == "respond":
        answers = {
            r.pk: (post.get(f"answer_{r.pk}", ""), post.get(f"reason_{r.pk}", ""))
            for r in c.requests.all()
        }
        services.response_record(
            actor=user,
            consultation=c,
            answers=answers,
            final_text=post.get("final_text", ""),
            effective_on=_date(post.get("effective_on", "")),
        )
    elif action == "effective":
        services.rule_effective_record(
            actor=user,
            consultation=c,
            effective_on=_date(post.get("effective_on", "")),
            final_text=post.get("final_text", ""),
        )
    elif action == "escalate":
        services.escalate(
            actor=user, consultation=c, kind=post.get("kind", ""), text=post.get("text", "")
        )
    elif action == "outcome":
        escalation = c.escalations.filter(pk=post.get("escalation") or 0).first()
        if escalation is None:
            raise Http404
        services.escalation_outcome_record(
            actor=user, escalation=escalation, outcome=post.get("text", "")
        )
    else:
        raise Http404


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise DomainError("invalid_date", _("Enter a valid date."), field="effective_on") from exc


@login_required
@require_POST
def consultation_action(request, pk: int, action: str):
    c, _role = _get_or_404(request.user, pk)
    try:
        _run_action(request.user, c, action, request.POST)
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("Saved."))
    return redirect("consultations:detail", pk=pk)
