"""The union core: organisations, their staff, members' phone numbers and memberships."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from unionhome.core.crypto import EncryptedCharField, digest
from unionhome.core.storage import member_import_path, private_storage


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
    region_en = models.CharField(
        _("region in English"), max_length=100, blank=True, help_text=_("e.g. Pudong, Shanghai")
    )
    region_code = models.CharField(
        _("region code"), max_length=12, blank=True, help_text=_("Administrative division code")
    )
    industry = models.CharField(_("industry"), max_length=100, blank=True)
    industry_en = models.CharField(_("industry in English"), max_length=100, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    address_en = models.CharField(_("address in English"), max_length=300, blank=True)
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
    # The last sequence number handed out; the row is locked while a number is allocated.
    member_seq = models.PositiveIntegerField(_("last member sequence number"), default=0)
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

    union = models.ForeignKey(
        Union, on_delete=models.CASCADE, related_name="staff_links", verbose_name=_("union")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="union_staff_links",
        verbose_name=_("user"),
    )
    title = models.CharField(pgettext_lazy("job title", "title"), max_length=100, blank=True)

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
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="phone_number",
        verbose_name=_("user"),
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
    # A worker often cannot tell which of the three applies; the union decides later.
    UNSURE = "unsure", _("Not sure")


class MembershipStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACTIVE = "active", _("Active")
    REJECTED = "rejected", _("Rejected")
    TRANSFERRED = "transferred", _("Transferred")
    LAPSED = "lapsed", _("Lapsed")


class Membership(models.Model):
    """One person's membership (or application) in one union."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("user"),
    )
    union = models.ForeignKey(
        Union, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("union")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=MembershipStatus.choices, default="pending"
    )
    member_no = models.CharField(_("member number"), max_length=32, blank=True)
    since = models.DateField(_("member since"), null=True, blank=True)
    full_name = models.CharField(_("full name"), max_length=100)
    phone = models.CharField(_("phone"), max_length=20)
    # Encrypted at rest; ``id_number_digest`` (keyed hash) is what queries match on.
    id_number = EncryptedCharField(_("resident ID number"), max_length=255)
    id_number_digest = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
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
        verbose_name=_("decided by"),
    )
    reject_reason = models.TextField(_("reason for rejection"), blank=True)
    join_code = models.ForeignKey(
        "JoinCode",
        verbose_name=_("joined through code"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="memberships",
    )
    # Came through the federation's general code: waits at the district (``union``) until
    # district staff assign it to a union.
    in_pool = models.BooleanField(_("in the district's holding pool"), default=False)
    transferred_from = models.OneToOneField(
        "self",
        verbose_name=_("transferred from"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="transferred_to",
    )
    erased_at = models.DateTimeField(_("personal data erased at"), null=True, blank=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["-applied_at"]
        permissions = [("view_full_id_number", _("Can see unmasked resident ID numbers"))]
        constraints = [
            # One open application per person: a second one is a duplicate (also under races).
            models.UniqueConstraint(
                fields=["user"], condition=Q(status="pending"), name="one_pending_application"
            ),
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

    def save(self, *args, **kwargs):
        self.id_number_digest = digest(self.id_number or "")
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "id_number" in update_fields:
            kwargs["update_fields"] = {*update_fields, "id_number_digest"}
        super().save(*args, **kwargs)

    @property
    def id_number_masked(self) -> str:
        return mask_id_number(self.id_number)


def mask_id_number(value: str) -> str:
    """Show the first 3 and last 4 characters only (110105199001011234 -> 110***********1234)."""
    if not value:
        return ""
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


class JoinCodeKind(models.TextChoices):
    UNION = "union", _("Join this union")
    GENERAL = "general", _("General code (district holding pool)")


class JoinCode(models.Model):
    """A join QR code of one union. The token in the QR names this row and its version:
    rotating bumps the version, so every printed poster of the old version stops working."""

    union = models.ForeignKey(
        Union, verbose_name=_("union"), on_delete=models.CASCADE, related_name="join_codes"
    )
    kind = models.CharField(
        _("kind"), max_length=10, choices=JoinCodeKind.choices, default=JoinCodeKind.UNION
    )
    source = models.CharField(
        _("source"),
        max_length=120,
        blank=True,
        help_text=_("Where this code is posted: a rest station, an event, a platform depot"),
    )
    is_default = models.BooleanField(_("the union's main code"), default=False)
    version = models.PositiveIntegerField(_("version"), default=1)
    active = models.BooleanField(_("active"), default=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    rotated_at = models.DateTimeField(_("rotated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("join code")
        verbose_name_plural = _("join codes")
        ordering = ["union_id", "-is_default", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["union"], condition=Q(is_default=True), name="one_default_join_code"
            ),
        ]

    def __str__(self) -> str:
        label = self.source or (_("main code") if self.is_default else f"#{self.pk}")
        return f"{self.union} · {label}"


class MembershipEvent(models.Model):
    """Append-only status history of a membership."""

    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="events", verbose_name=_("membership")
    )
    status = models.CharField(_("status"), max_length=20, choices=MembershipStatus.choices)
    previous = models.CharField(
        _("previous status"), max_length=20, choices=MembershipStatus.choices, blank=True
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("actor"),
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership event")
        verbose_name_plural = _("membership events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.membership_id}: {self.previous} -> {self.status}"


class TransferStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")


class Transfer(models.Model):
    """A member's request to move their active membership to another union."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="membership_transfers",
        verbose_name=_("user"),
    )
    from_membership = models.ForeignKey(
        Membership,
        verbose_name=_("current membership"),
        on_delete=models.PROTECT,
        related_name="outgoing_transfers",
    )
    to_union = models.ForeignKey(
        Union,
        verbose_name=_("destination union"),
        on_delete=models.PROTECT,
        related_name="incoming_transfers",
    )
    join_code = models.ForeignKey(
        JoinCode,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="transfers",
        verbose_name=_("join code"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=TransferStatus.choices, default=TransferStatus.PENDING
    )
    new_membership = models.OneToOneField(
        Membership,
        verbose_name=_("new membership"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incoming_transfer",
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decided by"),
    )
    reason = models.TextField(_("reason for rejection"), blank=True)

    class Meta:
        verbose_name = _("membership transfer")
        verbose_name_plural = _("membership transfers")
        ordering = ["-requested_at"]
        constraints = [
            # Concurrent transfer requests of one member: exactly one can be open.
            models.UniqueConstraint(
                fields=["user"], condition=Q(status="pending"), name="one_pending_transfer"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_membership} -> {self.to_union}"

    @property
    def from_union(self) -> Union:
        return self.from_membership.union


class Notification(models.Model):
    """An in-site message to one user (the SMS is sent alongside)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("user"),
    )
    message = models.CharField(_("message"), max_length=500)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.message


class DeletionStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DONE = "done", _("Carried out")
    CANCELLED = "cancelled", _("Cancelled")


class DeletionRequest(models.Model):
    """A member's request to delete their personal data; staff carry it out."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="deletion_requests",
        verbose_name=_("user"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=DeletionStatus.choices, default=DeletionStatus.PENDING
    )
    note = models.TextField(_("note"), blank=True)
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    done_at = models.DateTimeField(_("carried out at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("done by"),
    )

    class Meta:
        verbose_name = _("data deletion request")
        verbose_name_plural = _("data deletion requests")
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(status="pending"), name="one_pending_deletion"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_status_display()})"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class MemberImport(models.Model):
    """One bulk import of existing members from a CSV/XLSX file, with its per-row report."""

    union = models.ForeignKey(
        Union, verbose_name=_("union"), on_delete=models.CASCADE, related_name="imports"
    )
    # Private storage, deleted when the import is done: the file holds plain ID numbers.
    file = models.FileField(
        _("file"), upload_to=member_import_path, storage=private_storage, blank=True
    )
    original_name = models.CharField(_("file name"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("processed"), default=0)
    created_count = models.PositiveIntegerField(_("imported"), default=0)
    refused_count = models.PositiveIntegerField(_("refused"), default=0)
    # [{"row": n, "code": "...", "detail": "..."}] for every refused row.
    report = models.JSONField(_("report"), default=list, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("member import")
        verbose_name_plural = _("member imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.union} · {self.original_name}"
