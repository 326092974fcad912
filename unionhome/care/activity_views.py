"""Pages of talks and activities: the list with registration, the check-in by QR code, and
the staff page (registrations, the code to put up). Thin: one service call per POST."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from unionhome.care import talks
from unionhome.care.models import Activity, Registration, RegistrationStatus
from unionhome.core import qr, roles
from unionhome.core.errors import DomainError, NotFound


def activities(request):
    upcoming = list(
        Activity.objects.filter(ends_at__gte=timezone.now()).select_related("station")[:50]
    )
    mine = {}
    if request.user.is_authenticated:
        mine = {
            r.activity_id: r
            for r in Registration.objects.filter(member=request.user).exclude(
                status=RegistrationStatus.CANCELLED
            )
        }
    rows = []
    for activity in upcoming:
        taken = activity.registrations.filter(status=RegistrationStatus.REGISTERED).count()
        rows.append(
            {
                "activity": activity,
                "left": max(activity.capacity - taken, 0),
                "mine": mine.get(activity.pk),
            }
        )
    return render(request, "care/activities.html", {"rows": rows})


@require_POST
@login_required
def register(request, pk: int):
    activity = Activity.objects.filter(pk=pk).first()
    if activity is None:
        raise Http404
    try:
        registration = talks.activity_register(member=request.user, activity=activity)
    except DomainError as error:
        messages.error(request, error.detail)
    else:
        messages.success(request, registration.get_status_display())
    return redirect("care:activities")


@require_POST
@login_required
def cancel(request, pk: int):
    registration = Registration.objects.filter(pk=pk, member=request.user).first()
    if registration is None:
        raise Http404
    talks.activity_cancel(member=request.user, registration=registration)
    messages.success(request, registration.activity.title)
    return redirect("care:activities")


@login_required
def check_in(request, token: str):
    try:
        activity = talks.activity_from_checkin_token(token)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    registration = error = None
    if request.method == "POST":
        try:
            registration = talks.activity_check_in(member=request.user, activity=activity)
        except DomainError as exc:
            error = exc.detail
    return render(
        request,
        "care/check_in.html",
        {"activity": activity, "registration": registration, "error": error},
        status=409 if error else 200,
    )


@login_required
def staff_activity(request, pk: int):
    activity = Activity.objects.filter(pk=pk).select_related("station").first()
    if activity is None or not roles.is_union_staff(request.user, activity.union_id):
        raise Http404
    url = request.build_absolute_uri(
        reverse("care:check_in", kwargs={"token": talks.checkin_token(activity)})
    )
    return render(
        request,
        "care/staff_activity.html",
        {
            "activity": activity,
            "registrations": activity.registrations.exclude(
                status=RegistrationStatus.CANCELLED
            ).select_related("member"),
            "qr": qr.qr_svg_inline(url),
        },
    )
