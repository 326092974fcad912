"""Consultation on platform rules: the company's draft rule change, the members' comments and
opinions, the union's written opinion and requests, the company's response, escalations.

Labour Contract Law art. 4: rules directly touching workers' vital interests are discussed
with the workers and settled with the union before they take effect; the 2021 national
guidance on new-form workers (人社部发〔2021〕56号) asks platforms to hear the union on such
rules and their algorithms.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


def normalise_company(name: str) -> str:
    """Company names are typed by people: compare them without case or spaces."""
    return "".join((name or "").split()).casefold()


class CompanyAccount(models.Model):
    """A platform's own account: a user who speaks for a company (not a union member)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="company_accounts",
        verbose_name=_("user"),
    )
    company = models.CharField(_("company"), max_length=200)

    class Meta:
        verbose_name = _("company account")
        verbose_name_plural = _("company accounts")
        constraints = [
            models.UniqueConstraint(fields=["user", "company"], name="consultations_one_account")
        ]

    def __str__(self) -> str:
        return f"{self.company}: {self.user}"


class RuleTopic(models.TextChoices):
    PAY_PER_ORDER = "pay_per_order", _("Pay per order")
    COMMISSION = "commission", _("Commission")
    DISPATCH_ALGORITHM = "dispatch_algorithm", _("Dispatch and algorithm")
    WORKING_TIME = "working_time", _("Working time")
    REWARDS_PENALTIES = "rewards_penalties", _("Rewards and penalties")
    ACCOUNT_SUSPENSION = "account_suspension", _("Account suspension")


# The bargaining agenda topic a rule topic touches (for the link to an open item).
BARGAINING_TOPIC = {
    RuleTopic.PAY_PER_ORDER: "pay",
    RuleTopic.COMMISSION: "pay",
    RuleTopic.DISPATCH_ALGORITHM: "protection",
    RuleTopic.WORKING_TIME: "protection",
    RuleTopic.REWARDS_PENALTIES: "rewards_penalties",
    RuleTopic.ACCOUNT_SUSPENSION: "rewards_penalties",
}


class Consultation(models.Model):
    """A company's draft rule change and the union's consultation of its members on it."""

    company = models.CharField(_("company"), max_length=200)
    union = models.ForeignKey(
        "unionhome.Union",
        on_delete=models.PROTECT,
        related_name="rule_consultations",
        verbose_name=_("covered union"),
    )
    topic = models.CharField(_("what changes"), max_length=30, choices=RuleTopic.choices)
    title = models.CharField(_("title"), max_length=200)
    draft_text = models.TextField(_("draft text"))
    summary = models.TextField(_("summary in plain words"))
    planned_effective_on = models.DateField(_("planned effective date"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("published by"),
    )
    published_at = models.DateTimeField(_("published at"))
    agenda_item = models.ForeignKey(
        "bargaining.AgendaItem",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="rule_consultations",
        verbose_name=_("open bargaining item"),
    )
    opens_at = models.DateTimeField(_("opens at"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    union_position = models.TextField(_("the union's position"), blank=True)
    main_points = models.TextField(_("main points of the members"), blank=True)
    opinion_sent_at = models.DateTimeField(_("written opinion sent at"), null=True, blank=True)
    final_text = models.TextField(_("final text"), blank=True)
    effective_on = models.DateField(_("took effect on"), null=True, blank=True)
    answered_at = models.DateTimeField(_("company answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("consultation on a platform rule")
        verbose_name_plural = _("consultations on platform rules")
        ordering = ["-published_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(opens_at__isnull=True)
                | models.Q(closes_at__gt=models.F("opens_at")),
                name="consultations_closes_after_opening",
            )
        ]

    def __str__(self) -> str:
        return f"{self.company}: {self.title}"


class Position(models.TextChoices):
    SUPPORT = "support", _("Support")
    OPPOSE = "oppose", _("Oppose")
    NEUTRAL = "neutral", _("Neutral")


class Opinion(models.Model):
    """A member's non-binding opinion: one per member per consultation (in the database)."""

    consultation = models.ForeignKey(
        Consultation,
        on_delete=models.CASCADE,
        related_name="opinions",
        verbose_name=_("consultation"),
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("member"),
    )
    position = models.CharField(_("position"), max_length=10, choices=Position.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("opinion")
        verbose_name_plural = _("opinions")
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "member"], name="consultations_one_opinion_per_member"
            )
        ]

    def __str__(self) -> str:
        return f"{self.consultation_id} {self.position}"


class CommentStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting moderation")
    APPROVED = "approved", _("Published")
    REJECTED = "rejected", _("Not published")


class Comment(models.Model):
    consultation = models.ForeignKey(
        Consultation,
        on_delete=models.CASCADE,
        related_name="comments",
        verbose_name=_("consultation"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("author"),
    )
    text = models.TextField(_("comment"))
    status = models.CharField(
        max_length=10,
        choices=CommentStatus.choices,
        default=CommentStatus.PENDING,
        verbose_name=_("status"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("moderated by"),
    )

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:40]


class Answer(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    PARTLY = "partly", _("Partly accepted")
    REJECTED = "rejected", _("Rejected")


class UnionRequest(models.Model):
    """One request in the union's written opinion, and the company's answer to it."""

    consultation = models.ForeignKey(
        Consultation,
        on_delete=models.CASCADE,
        related_name="requests",
        verbose_name=_("consultation"),
    )
    number = models.PositiveSmallIntegerField(
        verbose_name=pgettext_lazy("ordinal number", "number")
    )
    text = models.TextField(_("request"))
    answer = models.CharField(_("answer"), max_length=10, choices=Answer.choices, blank=True)
    reason = models.TextField(_("reasons"), blank=True)

    class Meta:
        verbose_name = _("union request")
        verbose_name_plural = _("union requests")
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "number"], name="consultations_request_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.text[:40]}"


class Escalation(models.Model):
    """The union's answer to a rule made without a democratic procedure."""

    class Kind(models.TextChoices):
        SUPERVISION_NOTICE = "supervision_notice", _("Labour-law supervision notice")
        SUMMONS_REQUEST = (
            "summons_request",
            _("Request to the labour administration to call the company in (约谈)"),
        )

    consultation = models.ForeignKey(
        Consultation,
        on_delete=models.CASCADE,
        related_name="escalations",
        verbose_name=_("consultation"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    text = models.TextField(_("text"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(verbose_name=_("created at"))
    outcome = models.TextField(_("outcome"), blank=True)
    outcome_at = models.DateTimeField(null=True, blank=True, verbose_name=_("outcome at"))

    class Meta:
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.consultation_id} {self.kind}"
