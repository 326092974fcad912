"""The lines of help the booking engine serves, their topics, and the meeting channels.

Kept apart from the models so that forms, the API and the pure slot code can use the
choices without loading the models module.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Topic(models.TextChoices):
    WAGE_ARREARS = "wage_arrears", _("Wage arrears")
    WORK_INJURY = "work_injury", _("Work injury")
    LABOUR_RELATIONSHIP = "labour_relationship", _("Labour-relationship determination")
    PLATFORM_RULES = "platform_rules", _("Platform deductions and penalties")
    SOCIAL_INSURANCE = "social_insurance", _("Social insurance")
    TRAFFIC_ACCIDENT = "traffic_accident", _("Traffic accident")
    OTHER = "other", _("Other")


# A volunteer's specialities are the topics minus "other".
SPECIALITIES = [(value, label) for value, label in Topic.choices if value != Topic.OTHER]


class ServiceLine(models.TextChoices):
    """The booking engine serves more than one line of help: each volunteer (lawyer or
    counsellor) belongs to one, and each booking carries its volunteer's line."""

    LEGAL_AID = "legal_aid", _("Legal aid")
    COUNSELLING = "counselling", _("Psychological counselling")


class StationKind(models.TextChoices):
    REST = "rest_station", _("Rest station")
    LEGAL_AID = "legal_aid", _("Legal-aid station")
    WORKERS_HOME = "workers_home", _("Workers' home")


class CounsellingTopic(models.TextChoices):
    STRESS = "stress", _("Stress")
    FAMILY = "family", _("Family")
    WORK_CONFLICT = "work_conflict", _("Conflict at work")
    SLEEP = "sleep", _("Sleep")
    OTHER = "other", _("Other")


TOPICS_BY_SERVICE = {
    ServiceLine.LEGAL_AID: Topic,
    ServiceLine.COUNSELLING: CounsellingTopic,
}
# Every topic a booking may carry (the two lines share "other").
ALL_TOPICS = list(
    {value: label for value, label in (*Topic.choices, *CounsellingTopic.choices)}.items()
)


class Channel(models.TextChoices):
    IN_PERSON = "in_person", _("In person at a station")
    PHONE = "phone", _("Phone")
    VIDEO = "video", _("Video")


CHANNEL_ORDER = ("in_person", "phone", "video")


def allowed_channels(channel: str, *, does_phone: bool, does_video: bool) -> list[str]:
    """In person only where the slot is; phone/video wherever the volunteer offers them."""
    return [
        value
        for value in CHANNEL_ORDER
        if value == channel
        or (value == "phone" and does_phone)
        or (value == "video" and does_video)
    ]


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")
