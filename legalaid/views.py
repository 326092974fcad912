"""Legal-aid pages. Thin: parse, call one selector or service, render; DomainError becomes a
form error or a message."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from legalaid import selectors, services
from legalaid.attachments import MAX_ATTACHMENT_BYTES, attachment_response
from legalaid.forms import BookingForm, CancelForm, FeedbackForm, NoteForm, RescheduleForm
from legalaid.ics import booking_ics
from legalaid.lines import TOPICS_BY_SERVICE, ServiceLine, StationKind
from legalaid.maps import map_links
from legalaid.models import Channel, Notice, Slot, Station, Topic
from legalaid.slots import SHANGHAI
from unionhome.core import roles
from unionhome.core.errors import DomainError, NotFound

BOOKING_DAYS = 14


def _today() -> dt.date:
    return timezone.now().astimezone(SHANGHAI).date()


def _get_booking_or_404(user, pk: int):
    try:
        return selectors.booking_get(user=user, booking_id=pk)
    except NotFound as exc:
        raise Http404(str(exc)) from exc


def _station_rows(kinds=None):
    return [
        (
            district,
            [
                {
                    "station": station,
                    "links": map_links(
                        name=station.name,
                        address=station.address,
                        latitude=station.latitude,
                        longitude=station.longitude,
                    ),
                }
                for station in stations
            ],
        )
        for district, stations in selectors.stations_by_district(kinds=kinds)
    ]


def index(request):
    user = request.user
    return render(
        request,
        "legalaid/index.html",
        {
            "topics": [(value, label) for value, label in Topic.choices],
            "districts": _station_rows(),
            "volunteer": selectors.volunteer_for_user(user),
            "is_member": roles.active_membership(user) is not None,
            "notices": list(Notice.objects.filter(user=user, read_at__isnull=True)[:5])
            if user.is_authenticated
            else [],
        },
    )


def stations(request):
    """Rest and legal-aid stations by district, then workers' homes with what they offer."""
    return render(
        request,
        "legalaid/stations.html",
        {
            "districts": _station_rows([StationKind.REST, StationKind.LEGAL_AID]),
            "homes": _station_rows([StationKind.WORKERS_HOME]),
        },
    )


def _parse_day(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _int_or_none(value) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def book(request):
    """Choose topic, channel, day and slot; describe the problem; book.

    ``?line=counselling`` books psychological counselling on the same engine and page."""
    line = request.GET.get("line")
    line = line if line in ServiceLine.values else ServiceLine.LEGAL_AID
    topics = TOPICS_BY_SERVICE[line]
    topic = request.GET.get("topic") if request.GET.get("topic") in topics.values else ""
    channel = request.GET.get("channel") if request.GET.get("channel") in Channel.values else ""
    station_id = _int_or_none(request.GET.get("station"))
    user = request.user
    # A follow-up: the volunteer (or staff) books the same member again on the same case.
    follow_up = None
    follow_up_id = _int_or_none(request.GET.get("follow_up"))
    if follow_up_id and user.is_authenticated:
        follow_up = selectors.booking_visible_qs(user).filter(pk=follow_up_id).first()
        if follow_up is not None and not selectors.can_read_case(user=user, booking=follow_up):
            follow_up = None
    if follow_up is not None:
        topic = topic or follow_up.topic
    today = _today()
    last = today + dt.timedelta(days=BOOKING_DAYS - 1)
    slots = list(
        selectors.slots_open(
            first_day=today,
            last_day=last,
            station_id=station_id,
            channel=channel or None,
            # A follow-up stays with the case's volunteer, whatever their specialities.
            topic=None if follow_up or line != ServiceLine.LEGAL_AID else topic or None,
            volunteer_id=follow_up.volunteer_id if follow_up else None,
            service=line,
        )
    )
    days: dict[dt.date, list[Slot]] = {}
    for slot in slots:
        days.setdefault(slot.start.astimezone(SHANGHAI).date(), []).append(slot)
    day = _parse_day(request.GET.get("day"))
    if day not in days:
        day = next(iter(days), None)
    # Consultations the member already holds in these two weeks: warned before a second one.
    held = selectors.member_bookings_by_day(user, first_day=today, last_day=last)
    may_book_for_others = user.is_authenticated and (
        selectors.is_legalaid_staff(user) or selectors.volunteer_for_user(user) is not None
    )
    initial = {"topic": topic or "other", "channel": channel}
    if follow_up is not None:
        initial["member"] = follow_up.member.username
    form = BookingForm(initial=initial, topics=topics.choices)
    if request.method == "POST":
        if not user.is_authenticated:
            return redirect(f"{reverse('account_login')}?next={request.get_full_path()}")
        form = BookingForm(request.POST, request.FILES, topics=topics.choices)
        if form.is_valid():
            data = form.cleaned_data
            try:
                member = user
                if data.get("member") and may_book_for_others:
                    member = selectors.member_resolve(
                        actor=user, member=data["member"], field="member"
                    )
                slot = selectors.slot_get(slot_id=data["slot"], field="slot")
                files = []
                for upload in data["attachments"]:
                    files.append((upload.name, upload.read(MAX_ATTACHMENT_BYTES + 1)))
                booking = services.booking_create(
                    actor=user,
                    member=member,
                    slot=slot,
                    topic=data["topic"],
                    description=data["description"],
                    # No choice: the channel the chosen time is offered on.
                    channel=data["channel"] or slot.channel,
                    attachments=files,
                    follow_up_of=follow_up,
                    service=line,
                )
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.detail)
            else:
                messages.success(request, _("Booked. We sent you a confirmation."))
                return redirect("legalaid:booking_detail", pk=booking.pk)
    return render(
        request,
        "legalaid/book.html",
        {
            "form": form,
            "line": line,
            "topics": topics.choices,
            "channels": Channel.choices,
            "stations": Station.objects.filter(is_active=True),
            "topic": topic,
            "channel": channel,
            "station_id": station_id,
            "days": [(d, len(items), d in held) for d, items in days.items()],
            "day": day,
            "day_slots": days.get(day, []),
            "held_on_day": held.get(day, []),
            "topic_label": topics(topic).label if topic else "",
            "channel_label": Channel(channel).label if channel else "",
            "selected_slot": _int_or_none(request.POST.get("slot")),
            "is_member": roles.active_membership(user) is not None,
            "may_book_for_others": may_book_for_others,
            "follow_up": follow_up,
        },
    )


@login_required
def my_bookings(request):
    bookings = list(selectors.bookings_of_member(request.user))
    notices = list(Notice.objects.filter(user=request.user)[:10])
    services.notices_mark_read(user=request.user)
    now = timezone.now()
    return render(
        request,
        "legalaid/my_bookings.html",
        {
            "upcoming": [b for b in bookings if b.slot.end >= now and b.status == "booked"],
            "past": [b for b in bookings if not (b.slot.end >= now and b.status == "booked")],
            "notices": notices,
        },
    )


@login_required
def booking_detail(request, pk: int):
    booking = _get_booking_or_404(request.user, pk)
    is_worker = selectors.can_read_case(user=request.user, booking=booking)
    services.case_read_record(user=request.user, booking=booking)
    now = timezone.now()
    is_member = booking.member_id == request.user.pk
    return render(
        request,
        "legalaid/booking_detail.html",
        {
            "booking": booking,
            "is_worker": is_worker,
            "is_member": is_member,
            "notes": list(booking.notes.select_related("author")) if is_worker else [],
            "events": list(booking.events.all()) if is_worker else [],
            "attachments": list(booking.attachments.all()),
            "can_member_change": is_member
            and booking.status == "booked"
            and now <= booking.slot.start - services.member_change_cutoff(),
            "can_worker_change": is_worker and booking.status == "booked",
            "can_rate": is_member
            and booking.is_active
            and booking.status != "no_show"
            and booking.slot.end <= now
            and not hasattr(booking, "feedback"),
            "feedback": getattr(booking, "feedback", None),
            "cancel_form": CancelForm(),
            "note_form": NoteForm(),
            "feedback_form": FeedbackForm(),
            "follow_ups": list(booking.follow_ups.select_related("slot")) if is_worker else [],
            "map": map_links(
                name=booking.slot.station.name,
                address=booking.slot.station.address,
                latitude=booking.slot.station.latitude,
                longitude=booking.slot.station.longitude,
            )
            if booking.slot.station and booking.channel == "in_person"
            else {},
        },
    )


@login_required
@require_POST
def booking_cancel(request, pk: int):
    booking = _get_booking_or_404(request.user, pk)
    form = CancelForm(request.POST)
    form.is_valid()
    try:
        services.booking_cancel(
            actor=request.user, booking=booking, reason=form.cleaned_data.get("reason", "")
        )
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("The consultation was cancelled."))
    return redirect("legalaid:booking_detail", pk=pk)


@login_required
def booking_reschedule(request, pk: int):
    booking = _get_booking_or_404(request.user, pk)
    if request.method == "POST":
        form = RescheduleForm(request.POST)
        if form.is_valid():
            try:
                services.booking_reschedule(
                    actor=request.user,
                    booking=booking,
                    slot=selectors.slot_get(slot_id=form.cleaned_data["slot"]),
                    reason=form.cleaned_data.get("reason", ""),
                )
            except DomainError as exc:
                messages.error(request, exc.detail)
            else:
                messages.success(request, _("The consultation was moved."))
                return redirect("legalaid:booking_detail", pk=pk)
    today = _today()
    slots = selectors.slots_open(
        first_day=today,
        last_day=today + dt.timedelta(days=BOOKING_DAYS - 1),
        volunteer_id=booking.volunteer_id,
    )
    return render(
        request,
        "legalaid/reschedule.html",
        {
            "booking": booking,
            "slots": list(slots),
            "is_worker": selectors.can_read_case(user=request.user, booking=booking),
        },
    )


@login_required
@require_POST
def case_note(request, pk: int):
    booking = _get_booking_or_404(request.user, pk)
    form = NoteForm(request.POST)
    form.is_valid()
    held = {"yes": True, "no": False}.get(form.cleaned_data.get("held") or "")
    try:
        services.case_add_note(
            actor=request.user,
            booking=booking,
            text=form.cleaned_data.get("text", ""),
            outcome=form.cleaned_data.get("outcome", ""),
            held=held,
        )
    except DomainError as exc:
        if exc.status == 403:
            raise Http404(exc.detail) from exc
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("Note saved."))
    return redirect("legalaid:booking_detail", pk=pk)


@login_required
@require_POST
def feedback(request, pk: int):
    booking = _get_booking_or_404(request.user, pk)
    form = FeedbackForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a rating from 1 to 5."))
        return redirect("legalaid:booking_detail", pk=pk)
    try:
        services.feedback_submit(
            actor=request.user,
            booking=booking,
            rating=form.cleaned_data["rating"],
            comment=form.cleaned_data.get("comment", ""),
        )
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("Thank you for your feedback."))
    return redirect("legalaid:booking_detail", pk=pk)


@login_required
def booking_calendar(request, pk: int):
    booking = _get_booking_or_404(request.user, pk)
    body = booking_ics(
        booking,
        for_worker=selectors.can_read_case(user=request.user, booking=booking),
        base_url=request.build_absolute_uri("/").rstrip("/"),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="consultation-{booking.pk}.ics"'
    return response


@login_required
def attachment_download(request, pk: int):
    try:
        attachment = selectors.attachment_get(user=request.user, attachment_id=pk)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    return attachment_response(attachment)


@login_required
def dashboard(request):
    """The volunteer's consultations; legal-aid staff see their unions' cases."""
    volunteer = selectors.volunteer_for_user(request.user)
    staff = selectors.is_legalaid_staff(request.user)
    if volunteer is None and not staff:
        raise Http404(_("This page is for legal-aid volunteers."))
    board = selectors.volunteer_dashboard(volunteer=volunteer) if volunteer else None
    return render(
        request,
        "legalaid/dashboard.html",
        {
            "volunteer": volunteer,
            "board": board,
            "staff_cases": list(selectors.staff_cases(request.user)[:50]) if staff else [],
        },
    )
