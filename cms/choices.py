from django.db import models
from django.utils.translation import gettext_lazy as _


class LegalAidTopic(models.TextChoices):
    """The consultation topics of the legal-aid booking form (API contract codes)."""

    WAGE_ARREARS = "wage_arrears", _("Wage arrears")
    WORK_INJURY = "work_injury", _("Work injury")
    LABOUR_RELATIONSHIP = "labour_relationship", _("Labour relationship")
    PLATFORM_RULES = "platform_rules", _("Platform rules and penalties")
    SOCIAL_INSURANCE = "social_insurance", _("Social insurance")
    TRAFFIC_ACCIDENT = "traffic_accident", _("Traffic accident")
    OTHER = "other", _("Other")


class GuideTopic(models.TextChoices):
    """What a legal-education article is about."""

    WAGES = "wages", _("Wages")
    REST = "rest", _("Rest and working hours")
    INSURANCE = "insurance", _("Insurance")
    WORK_INJURY = "work_injury", _("Work injury")
    PLATFORM_RULES = "platform_rules", _("Platform rules")
    DISPUTES = "disputes", _("Disputes")


class BargainingTopic(models.TextChoices):
    """The four topics of the bargaining table named by the implementation plan."""

    PAY = "pay", _("Pay")
    PROTECTION = "protection", _("Labour protection")
    REWARDS_PENALTIES = "rewards_penalties", _("Rewards and penalties")
    SAFETY = "safety", _("Safety")


# The consultation topic a guide's booking button pre-selects when the editor chose none.
GUIDE_TO_LEGALAID_TOPIC: dict[str, str] = {
    GuideTopic.WAGES: LegalAidTopic.WAGE_ARREARS,
    # Rest breaks (20 minutes after 4 hours online) are set by platform rules.
    GuideTopic.REST: LegalAidTopic.PLATFORM_RULES,
    GuideTopic.INSURANCE: LegalAidTopic.SOCIAL_INSURANCE,
    GuideTopic.WORK_INJURY: LegalAidTopic.WORK_INJURY,
    GuideTopic.PLATFORM_RULES: LegalAidTopic.PLATFORM_RULES,
    # Most disputes turn first on whether there is a labour relationship.
    GuideTopic.DISPUTES: LegalAidTopic.LABOUR_RELATIONSHIP,
}
