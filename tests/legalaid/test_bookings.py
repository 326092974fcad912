"""Booking services: creating, refusing, cancelling, rescheduling, case notes, feedback."""

import datetime as dt
import io

import pytest
from django.utils import timezone

from legalaid import selectors, services, slot_supply
from legalaid.attachments import MAX_ATTACHMENT_BYTES, sniff
from legalaid.models import (
    AvailabilityException,
    Booking,
    BookingStatus,
    Campaign,
    CaseNote,
    Notice,
    Slot,
)
from tests.legalaid.conftest import future_slot
from unionhome.core import sms
from unionhome.core.errors import DomainError

pytestmark = pytest.mark.django_db(transaction=False)


def book(la, slot=None, *, member=None, actor=None, **kw):
    slot = slot or future_slot(la.v1)
    member = member or la.rider1
    kw.setdefault("topic", "wage_arrears")
    kw.setdefault("description", "平台拖欠三个月工资")
    kw.setdefault("channel", slot.channel)
    return services.booking_create(actor=actor or member, member=member, slot=slot, **kw)


def png_bytes(size=(8, 8)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 0, 0)).save(buffer, format="PNG")
    return buffer.getvalue()


def pdf_bytes() -> bytes:
    return b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def codes(excinfo) -> tuple[str, int]:
    return excinfo.value.code, excinfo.value.status


def test_member_books_and_both_sides_are_told(la, django_capture_on_commit_callbacks):
    sms.outbox.clear()
    slot = future_slot(la.v1)
    with django_capture_on_commit_callbacks(execute=True):
        booking = book(la, slot)
    assert booking.status == BookingStatus.BOOKED
    assert booking.volunteer == la.v1 and booking.member == la.rider1
    phones = {phone for phone, _text in sms.outbox}
    assert "+8613800138001" in phones and "+8613600136001" in phones
    assert Notice.objects.filter(user=la.rider1, booking=booking).exists()
    assert Notice.objects.filter(user=la.v1.user, booking=booking).exists()


def test_taken_slot_is_a_conflict(la):
    slot = future_slot(la.v1)
    book(la, slot)
    with pytest.raises(DomainError) as excinfo:
        book(la, slot, member=la.rider2)
    assert codes(excinfo) == (services.ERR_SLOT_TAKEN, 409)


def test_database_refuses_a_second_active_booking_even_without_the_check(la, monkeypatch):
    slot = future_slot(la.v1)
    book(la, slot)
    # Skip the friendly pre-check: the constraint alone must refuse it.
    monkeypatch.setattr(selectors, "slot_is_taken", lambda slot: False)
    with pytest.raises(DomainError) as excinfo:
        book(la, slot, member=la.rider2)
    assert codes(excinfo) == (services.ERR_SLOT_TAKEN, 409)
    assert Booking.objects.filter(slot=slot).count() == 1


def test_slot_in_the_past_is_refused(la):
    slot = future_slot(la.v1)
    with pytest.raises(DomainError) as excinfo:
        book(la, slot, now=slot.start + dt.timedelta(minutes=1))
    assert codes(excinfo) == (services.ERR_SLOT_PAST, 422)


def test_slot_of_a_volunteer_on_leave_is_refused(la):
    slot = future_slot(la.v1)
    AvailabilityException.objects.create(
        volunteer=la.v1,
        starts_at=slot.start - dt.timedelta(hours=1),
        ends_at=slot.end,
        reason="年假",
    )
    with pytest.raises(DomainError) as excinfo:
        book(la, slot)
    assert codes(excinfo) == (services.ERR_VOLUNTEER_ABSENT, 422)


def test_bad_topic_and_channel(la):
    slot = future_slot(la.v1)
    with pytest.raises(DomainError) as excinfo:
        book(la, slot, topic="divorce")
    assert codes(excinfo) == (services.ERR_TOPIC, 422)
    phone_slot = future_slot(la.v2)
    with pytest.raises(DomainError) as excinfo:
        book(la, phone_slot, channel="in_person")
    assert codes(excinfo) == (services.ERR_CHANNEL, 422)
    # volunteer2 offers no video.
    with pytest.raises(DomainError) as excinfo:
        book(la, phone_slot, channel="video")
    assert codes(excinfo) == (services.ERR_CHANNEL, 422)
    # volunteer1 does phone, so an in-person slot can be taken by phone.
    assert book(la, slot, channel="phone").channel == "phone"


def test_description_required_and_markup_kept_as_text(la):
    with pytest.raises(DomainError) as excinfo:
        book(la, description="   ")
    assert codes(excinfo) == (services.ERR_DESCRIPTION, 422)
    booking = book(la, description="<script>alert(1)</script>\x00欠薪")
    assert booking.description == "<script>alert(1)</script>欠薪"


def test_non_member_may_not_book(la):
    with pytest.raises(DomainError) as excinfo:
        book(la, member=la.outsider)
    assert codes(excinfo) == (services.ERR_NOT_MEMBER, 403)


def test_booking_on_behalf(la):
    slot = future_slot(la.v1)
    booking = book(la, slot, actor=la.union_admin)
    assert booking.booked_by == la.union_admin and booking.member == la.rider1
    # Another member cannot book for rider1.
    with pytest.raises(DomainError) as excinfo:
        book(la, future_slot(la.v1), actor=la.rider2)
    assert excinfo.value.status == 403
    # A volunteer books only on their own slots.
    with pytest.raises(DomainError):
        book(la, future_slot(la.v1), actor=la.v2.user, member=la.rider2)


def test_volunteer_books_a_member_only_as_a_follow_up_of_a_case_they_hold(la):
    # Security finding 7: a volunteer could book any member onto their own slots (and then
    # read the member's name). Without a case of theirs with that member, they may not.
    with pytest.raises(DomainError) as excinfo:
        book(la, future_slot(la.v1), actor=la.v1.user, member=la.rider2)
    assert codes(excinfo) == ("forbidden", 403)
    first = book(la, future_slot(la.v1), member=la.rider2)
    follow = book(
        la,
        future_slot(la.v1, after_hours=60),
        actor=la.v1.user,
        member=la.rider2,
        follow_up_of=first,
    )
    assert follow.booked_by == la.v1.user and follow.follow_up_of == first
    # Another volunteer's case does not count, nor a case of another member.
    with pytest.raises(DomainError):
        book(la, future_slot(la.v2), actor=la.v2.user, member=la.rider2, follow_up_of=first)
    with pytest.raises(DomainError):
        book(la, future_slot(la.v1), actor=la.v1.user, member=la.rider1, follow_up_of=first)
    # Union staff with the member's union in scope still book for anyone of it.
    assert book(la, future_slot(la.v2), actor=la.union_admin, member=la.rider2)


def test_member_upcoming_limit(la, settings):
    settings.LEGALAID_MAX_UPCOMING_PER_MEMBER = 1
    book(la)
    with pytest.raises(DomainError) as excinfo:
        book(la, future_slot(la.v1))
    assert codes(excinfo) == (services.ERR_TOO_MANY, 409)


def test_member_cancels_before_cutoff_and_slot_is_free_again(la, settings):
    settings.LEGALAID_MEMBER_CUTOFF_HOURS = 4
    slot = future_slot(la.v1)
    booking = book(la, slot)
    too_late = slot.start - dt.timedelta(hours=3)
    with pytest.raises(DomainError) as excinfo:
        services.booking_cancel(actor=la.rider1, booking=booking, now=too_late)
    assert codes(excinfo) == (services.ERR_CUTOFF, 409)
    services.booking_cancel(
        actor=la.rider1, booking=booking, now=slot.start - dt.timedelta(hours=5)
    )
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED_BY_MEMBER and booking.sequence == 1
    assert book(la, slot, member=la.rider2).slot == slot
    with pytest.raises(DomainError) as excinfo:
        services.booking_cancel(actor=la.rider1, booking=booking)
    assert codes(excinfo) == (services.ERR_NOT_ACTIVE, 409)


def test_volunteer_cancels_any_time_with_reason(la):
    slot = future_slot(la.v1)
    booking = book(la, slot)
    late = slot.start - dt.timedelta(minutes=10)
    with pytest.raises(DomainError) as excinfo:
        services.booking_cancel(actor=la.v1.user, booking=booking, now=late)
    assert codes(excinfo) == (services.ERR_REASON, 422)
    services.booking_cancel(actor=la.v1.user, booking=booking, reason="临时出庭", now=late)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED_BY_VOLUNTEER
    assert booking.cancel_reason == "临时出庭"


def test_strangers_cannot_cancel_or_see(la):
    booking = book(la)
    for user in (la.rider2, la.v2.user, la.outsider):
        with pytest.raises(DomainError) as excinfo:
            selectors.booking_get(user=user, booking_id=booking.pk)
        assert excinfo.value.status == 404
        with pytest.raises(DomainError):
            services.booking_cancel(actor=user, booking=booking, reason="x")
    booking.refresh_from_db()
    assert booking.status == BookingStatus.BOOKED


def test_reschedule_same_volunteer_only(la):
    booking = book(la)
    new_slot = la.v1.slots.filter(start__gt=booking.slot.start).order_by("start").first()
    services.booking_reschedule(actor=la.rider1, booking=booking, slot=new_slot)
    booking.refresh_from_db()
    assert booking.slot == new_slot and booking.sequence == 1
    with pytest.raises(DomainError) as excinfo:
        services.booking_reschedule(actor=la.rider1, booking=booking, slot=future_slot(la.v2))
    assert codes(excinfo) == (services.ERR_OTHER_VOLUNTEER, 422)
    taken = future_slot(la.v1)
    book(la, taken, member=la.rider2)
    with pytest.raises(DomainError) as excinfo:
        services.booking_reschedule(actor=la.rider1, booking=booking, slot=taken)
    assert codes(excinfo) == (services.ERR_SLOT_TAKEN, 409)
    # The volunteer must give a reason.
    other = future_slot(la.v1)
    with pytest.raises(DomainError) as excinfo:
        services.booking_reschedule(actor=la.v1.user, booking=booking, slot=other)
    assert codes(excinfo) == (services.ERR_REASON, 422)
    services.booking_reschedule(actor=la.v1.user, booking=booking, slot=other, reason="改期")
    assert booking.events.filter(kind="rescheduled").count() == 2


def test_case_notes_keep_history_and_only_workers_write(la):
    booking = book(la)
    after = booking.slot.end + dt.timedelta(minutes=5)
    with pytest.raises(DomainError) as excinfo:
        services.case_add_note(actor=la.v1.user, booking=booking, outcome="advice")
    assert codes(excinfo) == (services.ERR_NOT_YET, 422)
    services.case_add_note(
        actor=la.v1.user, booking=booking, text="已解答", outcome="advice", now=after
    )
    services.case_add_note(
        actor=la.union_admin, booking=booking, text="转调解", outcome="mediation", now=after
    )
    booking.refresh_from_db()
    assert booking.outcome == "mediation" and booking.status == BookingStatus.DONE
    assert list(CaseNote.objects.filter(booking=booking).values_list("outcome", flat=True)) == [
        "advice",
        "mediation",
    ]
    for user in (la.rider1, la.v2.user, la.rider2):
        with pytest.raises(DomainError) as excinfo:
            services.case_add_note(actor=user, booking=booking, text="x", now=after)
        assert excinfo.value.status == 403
    with pytest.raises(DomainError) as excinfo:
        services.case_add_note(actor=la.v1.user, booking=booking, outcome="won", now=after)
    assert codes(excinfo) == (services.ERR_OUTCOME, 422)


def test_who_reads_a_case(la):
    booking = book(la)
    assert selectors.can_read_case(user=la.v1.user, booking=booking)
    assert selectors.can_read_case(user=la.union_admin, booking=booking)
    assert selectors.can_read_case(user=la.admin, booking=booking)
    assert not selectors.can_read_case(user=la.rider1, booking=booking)
    assert not selectors.can_read_case(user=la.v2.user, booking=booking)
    # The member still sees their own booking, just not the case notes.
    assert selectors.booking_get(user=la.rider1, booking_id=booking.pk) == booking


def test_feedback_after_consultation_once(la):
    booking = book(la)
    with pytest.raises(DomainError) as excinfo:
        services.feedback_submit(actor=la.rider1, booking=booking, rating=5)
    assert codes(excinfo) == (services.ERR_NOT_YET, 422)
    after = booking.slot.end + dt.timedelta(hours=1)
    with pytest.raises(DomainError) as excinfo:
        services.feedback_submit(actor=la.rider1, booking=booking, rating=6, now=after)
    assert codes(excinfo) == (services.ERR_RATING, 422)
    with pytest.raises(DomainError) as excinfo:
        services.feedback_submit(actor=la.v1.user, booking=booking, rating=5, now=after)
    assert excinfo.value.status == 403
    services.feedback_submit(
        actor=la.rider1, booking=booking, rating=4, comment="很耐心", now=after
    )
    with pytest.raises(DomainError) as excinfo:
        services.feedback_submit(actor=la.rider1, booking=booking, rating=5, now=after)
    assert codes(excinfo) == (services.ERR_FEEDBACK_TWICE, 409)
    stats = selectors.satisfaction_stats(union_ids=None)
    assert stats["per_volunteer"] == [{"name": la.v1.display_name, "avg": 4.0, "n": 1}]
    assert stats["per_station"][0]["name"] == la.station.name
    assert stats["per_topic_month"][0]["topic"] == "wage_arrears"
    assert selectors.satisfaction_stats(union_ids={la.ctx["enterprise"].pk})["per_volunteer"] == []


def test_attachments_checked_by_content(la):
    booking = book(la, attachments=[("photo.png", png_bytes()), ("contract.pdf", pdf_bytes())])
    assert sorted(booking.attachments.values_list("content_type", flat=True)) == [
        "application/pdf",
        "image/png",
    ]
    with pytest.raises(DomainError) as excinfo:
        book(la, future_slot(la.v1), attachments=[("fake.png", b"<html>not an image</html>")])
    assert codes(excinfo) == ("attachment_type", 422)
    truncated_png = png_bytes()[:40]
    assert sniff(truncated_png) is None
    with pytest.raises(DomainError) as excinfo:
        book(
            la,
            future_slot(la.v1),
            attachments=[("big.pdf", b"%PDF-1.4\n" + b"0" * MAX_ATTACHMENT_BYTES + b"%%EOF")],
        )
    assert codes(excinfo) == ("attachment_too_large", 422)
    # Nothing half-written: the refused bookings left no rows.
    assert Booking.objects.count() == 1


def test_leave_removes_free_slots_but_keeps_booked(la):
    booked = book(la)
    day = timezone.localtime(booked.slot.start).date()
    free_same_day = la.v1.slots.filter(start__date=day).exclude(pk=booked.slot.pk).count()
    assert free_same_day > 0
    AvailabilityException.objects.create(
        volunteer=la.v1,
        starts_at=dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone()),
        ends_at=dt.datetime.combine(
            day + dt.timedelta(days=1), dt.time.min, tzinfo=timezone.get_current_timezone()
        ),
    )
    slot_supply.slots_materialise(volunteer=la.v1, first_day=day, last_day=day)
    assert list(la.v1.slots.filter(start__date=day)) == [booked.slot]
    assert slot_supply.slots_materialise(volunteer=la.v1, first_day=day, last_day=day) == 0


def test_materialise_is_idempotent_and_follows_window_changes(la):
    today = timezone.localdate()
    last = today + dt.timedelta(days=14)
    before = la.v1.slots.count()
    assert slot_supply.slots_materialise(volunteer=la.v1, first_day=today, last_day=last) == 0
    assert la.v1.slots.count() == before
    la.v1.windows.filter(weekday=timezone.localdate().weekday()).delete()
    slot_supply.slots_materialise(volunteer=la.v1, first_day=today, last_day=last)
    assert la.v1.slots.count() < before


def test_campaign_adds_slots_in_bulk(la):
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        union=la.union,
        title="法律服务月",
        starts_on=today + dt.timedelta(days=1),
        ends_on=today + dt.timedelta(days=7),
        daily_start=dt.time(18),
        daily_end=dt.time(20),
    )
    campaign.stations.set([la.station, la.other_station])
    created = slot_supply.campaign_generate_slots(campaign=campaign)
    # 3 slots (30 + 10 min) per evening for each volunteer; volunteer2 serves both stations
    # but cannot be at two at once, so the second station's slots clash and are dropped.
    assert created == 2 * 7 * 3
    campaign.refresh_from_db()
    assert campaign.slots_created == created
    assert slot_supply.campaign_generate_slots(campaign=campaign) == 0
    assert set(Slot.objects.filter(campaign=campaign).values_list("channel", flat=True)) == {
        "in_person"
    }


def test_staff_of_another_union_cannot_read_or_cancel(la):
    from django.contrib.auth import get_user_model

    from unionhome.membership.models import UnionStaff

    booking = book(la)
    other = get_user_model().objects.create_user("enterprise_staff", password="x-pass-2026")
    UnionStaff.objects.create(union=la.ctx["enterprise"], user=other)
    with pytest.raises(DomainError) as excinfo:
        selectors.booking_get(user=other, booking_id=booking.pk)
    assert excinfo.value.status == 404
    assert not selectors.can_read_case(user=other, booking=booking)
    with pytest.raises(DomainError):
        services.booking_cancel(actor=other, booking=booking, reason="x")
    # Staff of the district federation above the union do read it.
    district_staff = get_user_model().objects.create_user("district_staff", password="x-2026")
    UnionStaff.objects.create(union=la.ctx["district"], user=district_staff)
    assert selectors.booking_get(user=district_staff, booking_id=booking.pk) == booking
    with pytest.raises(DomainError) as excinfo:
        book(la, future_slot(la.v1), actor=other)
    assert excinfo.value.status == 403
