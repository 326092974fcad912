"""The union core: organisations, their staff, members' phone numbers and memberships."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class UnionKind(models.TextChoices):
    FEDERATION = "federation", _("Federation")
    DISTRICT = "district", _("District federation")
    ENTERPRISE = "enterprise", _("Enterprise union")
    INDUSTRY = "industry", _("Industry union")
    REGIONAL = "regional", _("Regional union")


class Union(models.Model):
    """A union organisation in the tree: city federation -> district -> unions."""

    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=UnionKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    region = models.CharField(
        _("region"),
        max_length=100,
        blank=True,
        help_text=_("City or district, e.g. 上海市浦东新区"),
    )
    region_code = models.CharField(
        _("region code"), max_length=12, blank=True, help_text=_("Administrative division code")
    )
    industry = models.CharField(_("industry"), max_length=100, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=100, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("chair"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="chaired_unions",
    )
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="UnionStaff",
        related_name="staffed_unions",
        blank=True,
        verbose_name=_("staff"),
    )
    member_no_prefix = models.CharField(_("member number prefix"), max_length=12, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("union")
        verbose_name_plural = _("unions")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name

    def ancestors(self) -> list["Union"]:
        chain, node, seen = [], self.parent, set()
        while node is not None and node.pk not in seen:
            seen.add(node.pk)
            chain.append(node)
            node = node.parent
        return chain


class UnionStaff(models.Model):
    """A user who runs a union (and its subtree) from the admin."""

    union = models.ForeignKey(Union, on_delete=models.CASCADE, related_name="staff_links")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="union_staff_links"
    )
    title = models.CharField(_("title"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("union staff")
        verbose_name_plural = _("union staff")
        constraints = [
            models.UniqueConstraint(fields=["union", "user"], name="unique_union_staff"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.union}"


class PhoneNumber(models.Model):
    """The mainland mobile number of an account (allauth stores none itself)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="phone_number"
    )
    phone = models.CharField(_("phone"), max_length=20, unique=True, help_text=_("E.164, +86..."))
    verified = models.BooleanField(_("verified"), default=False)

    class Meta:
        verbose_name = _("phone number")
        verbose_name_plural = _("phone numbers")

    def __str__(self) -> str:
        return self.phone


class WorkerType(models.TextChoices):
    LABOUR_CONTRACT = "labour_contract", _("Labour relationship (labour contract)")
    WRITTEN_AGREEMENT = (
        "written_agreement",
        _("Not fully a labour relationship (written agreement)"),
    )
    INDEPENDENT = "independent", _("Independent (civil law)")


class MembershipStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACTIVE = "active", _("Active")
    REJECTED = "rejected", _("Rejected")
    TRANSFERRED = "transferred", _("Transferred")
    LAPSED = "lapsed", _("Lapsed")


class Membership(models.Model):
    """One person's membership (or application) in one union."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="memberships"
    )
    union = models.ForeignKey(Union, on_delete=models.PROTECT, related_name="memberships")
    status = models.CharField(
        _("status"), max_length=20, choices=MembershipStatus.choices, default="pending"
    )
    member_no = models.CharField(_("member number"), max_length=32, blank=True)
    since = models.DateField(_("member since"), null=True, blank=True)
    full_name = models.CharField(_("full name"), max_length=100)
    phone = models.CharField(_("phone"), max_length=20)
    id_number = models.CharField(_("resident ID number"), max_length=18)
    worker_type = models.CharField(_("worker type"), max_length=20, choices=WorkerType.choices)
    occupation = models.CharField(_("occupation"), max_length=100, blank=True)
    platform = models.CharField(_("platform or employer"), max_length=100, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    consent_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    applied_at = models.DateTimeField(_("applied at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reject_reason = models.TextField(_("reason for rejection"), blank=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["-applied_at"]
        constraints = [
            # One active membership per person: a transfer ends the old one first.
            models.UniqueConstraint(
                fields=["user"], condition=Q(status="active"), name="one_active_membership"
            ),
            models.UniqueConstraint(
                fields=["union", "member_no"],
                condition=~Q(member_no=""),
                name="unique_member_no_per_union",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.union})"

    @property
    def id_number_masked(self) -> str:
        return mask_id_number(self.id_number)


def mask_id_number(value: str) -> str:
    """Show the first 3 and last 2 characters only (e.g. 110***********123X -> 110*…3X)."""
    if not value:
        return ""
    if len(value) <= 5:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 5) + value[-2:]
