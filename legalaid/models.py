"""Legal aid: volunteers, service stations, availability, slots, bookings and case follow-up.

Slots are materialised as rows so that the database itself can refuse a second active
booking of the same slot (a partial unique constraint), whatever the concurrency.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# The choices live in legalaid.lines (callers still import them from here too).
from legalaid.lines import (
    ALL_TOPICS,
    Channel,
    ServiceLine,
    Topic,
    Weekday,
    allowed_channels,
)
from legalaid.stations import Station  # noqa: F401  (the model lives in its own module)
from unionhome.core.storage import private_storage


class Volunteer(models.Model):
    """A lawyer, legal worker or union legal officer who gives consultations."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        related_name="legalaid_volunteer",
    )
    union = models.ForeignKey(
        "unionhome.Union",
        verbose_name=_("union"),
        on_delete=models.PROTECT,
        related_name="legalaid_volunteers",
        help_text=_("The union whose staff manage this volunteer and read the cases"),
    )
    display_name = models.CharField(_("display name"), max_length=100)
    service = models.CharField(
        _("service line"),
        max_length=20,
        choices=ServiceLine.choices,
        default=ServiceLine.LEGAL_AID,
    )
    title = models.CharField(
        pgettext_lazy("job title", "title"),
        max_length=100,
        blank=True,
        help_text=_("e.g. lawyer, legal worker"),
    )
    profile = models.TextField(_("profile"), blank=True)
    specialities = models.JSONField(
        _("specialities"), default=list, blank=True, help_text=_("Topic codes")
    )
    languages = models.CharField(
        _("languages and dialects"),
        max_length=200,
        blank=True,
        help_text=_("Comma separated, e.g. 普通话, 上海话, English"),
    )
    stations = models.ManyToManyField(
        Station, verbose_name=_("stations served"), blank=True, related_name="volunteers"
    )
    does_phone = models.BooleanField(_("phone consultations"), default=True)
    does_video = models.BooleanField(_("video consultations"), default=False)
    slot_minutes = models.PositiveSmallIntegerField(
        _("slot length (minutes)"),
        default=30,
        validators=[MinValueValidator(10), MaxValueValidator(240)],
    )
    buffer_minutes = models.PositiveSmallIntegerField(
        _("buffer between consultations (minutes)"),
        default=10,
        validators=[MaxValueValidator(120)],
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("legal-aid volunteer")
        verbose_name_plural = _("legal-aid volunteers")
        ordering = ["display_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(slot_minutes__gte=10, slot_minutes__lte=240),
                name="legalaid_volunteer_slot_minutes_range",
            ),
            models.CheckConstraint(
                condition=Q(buffer_minutes__lte=120), name="legalaid_volunteer_buffer_range"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def language_list(self) -> list[str]:
        return [
            part.strip() for part in self.languages.replace("，", ",").split(",") if part.strip()
        ]

    def speciality_labels(self) -> list[str]:
        labels = dict(Topic.choices)
        return [str(labels[code]) for code in self.specialities if code in labels]

    def remote_channels(self) -> set[str]:
        channels = set()
        if self.does_phone:
            channels.add(Channel.PHONE)
        if self.does_video:
            channels.add(Channel.VIDEO)
        return channels


class AvailabilityWindow(models.Model):
    """A weekly recurring window (Asia/Shanghai wall time). An end before the start means
    the window runs past midnight into the next day."""

    volunteer = models.ForeignKey(
        Volunteer, verbose_name=_("volunteer"), on_delete=models.CASCADE, related_name="windows"
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start_time = models.TimeField(_("from"))
    end_time = models.TimeField(_("until"))
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    station = models.ForeignKey(
        Station,
        verbose_name=_("station"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="windows",
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        verbose_name = _("weekly availability")
        verbose_name_plural = _("weekly availability")
        ordering = ["volunteer", "weekday", "start_time"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(start_time=F("end_time")),
                name="legalaid_window_not_empty",
                violation_error_message=_("The window must not start and end at the same time."),
            ),
            # An in-person window needs a place; remote ones may still name a home station.
            models.CheckConstraint(
                condition=~Q(channel="in_person") | Q(station__isnull=False),
                name="legalaid_window_in_person_has_station",
                violation_error_message=_("Choose the station for in-person consultations."),
            ),
            models.CheckConstraint(
                condition=Q(weekday__gte=0, weekday__lte=6), name="legalaid_window_weekday"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer} {self.get_weekday_display()} {self.start_time:%H:%M}-{self.end_time:%H:%M}"


class AvailabilityException(models.Model):
    """Leave or another absence: no slots in [starts_at, ends_at)."""

    volunteer = models.ForeignKey(
        Volunteer,
        verbose_name=_("volunteer"),
        on_delete=models.CASCADE,
        related_name="exceptions",
    )
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="legalaid_exception_positive",
                violation_error_message=_("The absence must end after it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer}: {self.reason or _('absence')}"


class Campaign(models.Model):
    """A "legal service month": extra slots at chosen stations, added in bulk."""

    union = models.ForeignKey(
        "unionhome.Union",
        verbose_name=_("union"),
        on_delete=models.PROTECT,
        related_name="legalaid_campaigns",
    )
    title = models.CharField(_("title"), max_length=200)
    stations = models.ManyToManyField(Station, verbose_name=_("stations"))
    volunteers = models.ManyToManyField(
        Volunteer,
        verbose_name=_("volunteers"),
        blank=True,
        help_text=_("Leave empty for every active volunteer serving the chosen stations"),
    )
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    weekdays = models.JSONField(
        _("weekdays"), default=list, blank=True, help_text=_("0 = Monday; empty for every day")
    )
    daily_start = models.TimeField(_("daily from"))
    daily_end = models.TimeField(_("daily until"))
    skip_holidays = models.BooleanField(_("skip public holidays"), default=False)
    slots_created = models.PositiveIntegerField(_("slots created"), default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("legal service campaign")
        verbose_name_plural = _("legal service campaigns")
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="legalaid_campaign_dates",
                violation_error_message=_("The last day must not be before the first day."),
            ),
            models.CheckConstraint(
                condition=Q(daily_end__gt=F("daily_start")),
                name="legalaid_campaign_hours",
                violation_error_message=_("The daily hours must end after they start."),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class SlotSource(models.TextChoices):
    WEEKLY = "weekly", _("Weekly availability")
    CAMPAIGN = "campaign", _("Campaign")


class Slot(models.Model):
    """One bookable consultation time of one volunteer."""

    volunteer = models.ForeignKey(
        Volunteer, verbose_name=_("volunteer"), on_delete=models.CASCADE, related_name="slots"
    )
    station = models.ForeignKey(
        Station,
        verbose_name=_("station"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="slots",
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    source = models.CharField(
        _("source"), max_length=20, choices=SlotSource.choices, default=SlotSource.WEEKLY
    )
    campaign = models.ForeignKey(
        Campaign,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="slots",
        verbose_name=_("campaign"),
    )

    class Meta:
        verbose_name = _("slot")
        verbose_name_plural = _("slots")
        ordering = ["start", "volunteer_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["volunteer", "start"], name="legalaid_slot_unique_start"
            ),
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="legalaid_slot_positive"),
            models.CheckConstraint(
                condition=~Q(channel="in_person") | Q(station__isnull=False),
                name="legalaid_slot_in_person_has_station",
            ),
        ]
        indexes = [models.Index(fields=["start"], name="legalaid_slot_start_idx")]

    def __str__(self) -> str:
        return f"{self.volunteer} {self.start:%Y-%m-%d %H:%M}"

    def allowed_channels(self) -> list[str]:
        return allowed_channels(
            self.channel, does_phone=self.volunteer.does_phone, does_video=self.volunteer.does_video
        )


class BookingStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    CANCELLED_BY_MEMBER = "cancelled_member", _("Cancelled by the member")
    CANCELLED_BY_VOLUNTEER = "cancelled_volunteer", _("Cancelled by the volunteer")
    DONE = "done", _("Consultation held")
    NO_SHOW = "no_show", _("Member did not come")


# Statuses that hold the slot: the unique constraint below covers exactly these.
ACTIVE_STATUSES = (BookingStatus.BOOKED, BookingStatus.DONE, BookingStatus.NO_SHOW)


class Outcome(models.TextChoices):
    ADVICE = "advice", _("Advice given")
    MEDIATION = "mediation", _("Referred to mediation")
    ARBITRATION = "arbitration", _("Referred to arbitration")
    LEGAL_AID = "legal_aid", _("Legal aid application")
    CLOSED = "closed", pgettext_lazy("legal-aid outcome", "Closed")


class Booking(models.Model):
    """A member's consultation: the case the volunteer follows through."""

    slot = models.ForeignKey(
        Slot, verbose_name=_("slot"), on_delete=models.PROTECT, related_name="bookings"
    )
    # Denormalised from the slot for scoping queries; a reschedule keeps the volunteer.
    volunteer = models.ForeignKey(
        Volunteer, verbose_name=_("volunteer"), on_delete=models.PROTECT, related_name="bookings"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.PROTECT,
        related_name="legalaid_bookings",
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("booked by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Denormalised from the volunteer: scoping and note privacy are decided per line.
    service = models.CharField(
        _("service line"),
        max_length=20,
        choices=ServiceLine.choices,
        default=ServiceLine.LEGAL_AID,
    )
    topic = models.CharField(_("topic"), max_length=30, choices=ALL_TOPICS)
    description = models.TextField(_("description"), max_length=2000)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    status = models.CharField(
        _("status"), max_length=30, choices=BookingStatus.choices, default=BookingStatus.BOOKED
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    follow_up_of = models.ForeignKey(
        "self",
        verbose_name=_("follow-up of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="follow_ups",
    )
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    # Bumped on every change a calendar must pick up (RFC 5545 SEQUENCE).
    sequence = models.PositiveIntegerField(default=0, verbose_name=_("sequence"))
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(_("booked at"), auto_now_add=True)
    # When the current slot was chosen: reminders due before this moment are not sent.
    scheduled_at = models.DateTimeField(_("scheduled at"))
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("consultation booking")
        verbose_name_plural = _("consultation bookings")
        ordering = ["-created_at"]
        constraints = [
            # The guarantee against double booking, whatever the concurrency.
            models.UniqueConstraint(
                fields=["slot"],
                condition=Q(status__in=["booked", "done", "no_show"]),
                name="legalaid_one_active_booking_per_slot",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_topic_display()}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def is_cancelled(self) -> bool:
        return self.status in (
            BookingStatus.CANCELLED_BY_MEMBER,
            BookingStatus.CANCELLED_BY_VOLUNTEER,
        )


def attachment_path(instance, filename: str) -> str:
    # Random names: the original name never reaches the disk or a URL.
    return f"legalaid/attachments/{uuid.uuid4().hex}"


class Attachment(models.Model):
    """An image or PDF the member attached; served only through a permission check."""

    booking = models.ForeignKey(
        Booking, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("booking")
    )
    file = models.FileField(
        upload_to=attachment_path, storage=private_storage, verbose_name=_("file")
    )
    original_name = models.CharField(max_length=200, verbose_name=_("original file name"))
    content_type = models.CharField(max_length=50, verbose_name=_("file type"))
    size = models.PositiveIntegerField(verbose_name=_("size (bytes)"))
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name


class CaseNote(models.Model):
    """An append-only entry in a case's history (notes and outcome changes)."""

    booking = models.ForeignKey(
        Booking, on_delete=models.CASCADE, related_name="notes", verbose_name=_("booking")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("author"),
    )
    text = models.TextField(_("note"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("case note")
        verbose_name_plural = _("case notes")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.booking_id}: {self.text[:40]}"


class BookingEvent(models.Model):
    """What happened to a booking (booked, rescheduled, cancelled), for the case history."""

    class Kind(models.TextChoices):
        BOOKED = "booked", _("Booked")
        RESCHEDULED = "rescheduled", _("Rescheduled")
        CANCELLED = "cancelled", _("Cancelled")
        STATUS = "status", _("Status changed")

    booking = models.ForeignKey(
        Booking, on_delete=models.CASCADE, related_name="events", verbose_name=_("booking")
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, verbose_name=_("event type"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("done by"),
    )
    detail = models.TextField(blank=True, verbose_name=_("detail"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("booking event")
        verbose_name_plural = _("booking events")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.booking_id} {self.kind}"


class ReminderKind(models.TextChoices):
    DAY_BEFORE = "day_before", _("The day before")
    HOUR_BEFORE = "hour_before", _("An hour before")


class ReminderSent(models.Model):
    """A reminder that went out; the constraint makes a second sending impossible."""

    booking = models.ForeignKey(
        Booking, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("booking")
    )
    kind = models.CharField(
        max_length=20, choices=ReminderKind.choices, verbose_name=_("reminder type")
    )
    # The start it was about: a rescheduled booking gets fresh reminders.
    slot_start = models.DateTimeField(verbose_name=_("appointment start"))
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints = [
            models.UniqueConstraint(
                fields=["booking", "kind", "slot_start"], name="legalaid_reminder_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.booking_id} {self.kind}"


class Notice(models.Model):
    """An in-site notification about a booking."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="legalaid_notices",
        verbose_name=_("user"),
    )
    booking = models.ForeignKey(
        Booking,
        null=True,
        on_delete=models.CASCADE,
        related_name="notices",
        verbose_name=_("booking"),
    )
    text = models.CharField(max_length=500, verbose_name=_("text"))
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True, verbose_name=_("read at"))

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.text[:40]


class Feedback(models.Model):
    """The member's rating after the consultation."""

    booking = models.OneToOneField(
        Booking, on_delete=models.CASCADE, related_name="feedback", verbose_name=_("booking")
    )
    rating = models.PositiveSmallIntegerField(
        _("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("comment"), blank=True, max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="legalaid_feedback_rating_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.booking_id}: {self.rating}"
