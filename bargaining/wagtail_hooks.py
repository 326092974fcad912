"""The Wagtail admin for bargaining: union staff open cases (the written request), name both
sides' representatives and set the agenda; federation staff keep the minimum-wage table.
Everything is scoped to the unions the user runs, and every change goes through the services
(so it is validated and written to the case's event log)."""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.admin.ui.tables import Column
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from bargaining import services
from bargaining.models import AgendaItem, Case, CaseStatus, MinimumWage, Side
from unionhome import roles
from unionhome.errors import DomainError
from unionhome.models import Union

MAX_CSV_BYTES = 1024 * 1024


def _union_ids(user) -> set[int]:
    return roles.staffed_union_ids(user)


def _people():
    """Who may be named: negotiators, union chairs and union staff."""
    return (
        get_user_model()
        .objects.filter(
            Q(groups__name=roles.NEGOTIATORS)
            | Q(chaired_unions__isnull=False)
            | Q(union_staff_links__isnull=False),
            is_active=True,
        )
        .distinct()
        .order_by("username")
    )


class CaseAdminForm(WagtailAdminModelForm):
    union_representatives = forms.ModelMultipleChoiceField(
        queryset=get_user_model().objects.none(),
        required=False,
        label=_("Union side representatives"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("At least 3, the same number as the employer side."),
    )
    union_chief = forms.ModelChoiceField(
        queryset=get_user_model().objects.none(),
        required=False,
        label=_("Union chief representative"),
        help_text=_("Normally the union chair."),
    )
    employer_representatives = forms.ModelMultipleChoiceField(
        queryset=get_user_model().objects.none(),
        required=False,
        label=_("Employer side representatives"),
        widget=forms.CheckboxSelectMultiple,
    )
    employer_chief = forms.ModelChoiceField(
        queryset=get_user_model().objects.none(), required=False, label=_("Employer chief")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        people = _people()
        for name in (
            "union_representatives",
            "union_chief",
            "employer_representatives",
            "employer_chief",
        ):
            self.fields[name].queryset = people
        if "recorder" in self.fields:
            self.fields["recorder"].queryset = people
        if "union" in self.fields and self.for_user is not None:
            self.fields["union"].queryset = Union.objects.filter(pk__in=_union_ids(self.for_user))
        if self.instance.pk:
            for side in Side.values:
                reps = self.instance.representatives.filter(active=True, side=side)
                self.initial[f"{side}_representatives"] = [r.user_id for r in reps]
                chief = reps.filter(role="chief").first()
                self.initial[f"{side}_chief"] = chief.user_id if chief else None
            # The request is a written record: it is not rewritten after it was sent.
            for name in ("union", "request_text", "requested_by_side"):
                if name in self.fields:
                    self.fields[name].disabled = True

    def clean_union(self):
        union = self.cleaned_data["union"]
        if self.for_user is not None and union.pk not in _union_ids(self.for_user):
            raise forms.ValidationError(_("You do not run this union."))
        return union

    def clean(self):
        cleaned = super().clean()
        for side in Side.values:
            users = list(cleaned.get(f"{side}_representatives") or [])
            chief = cleaned.get(f"{side}_chief")
            if users and chief not in users:
                self.add_error(f"{side}_chief", _("The chief must be one of the representatives."))
            if users and len(users) < services.MIN_REPRESENTATIVES:
                self.add_error(
                    f"{side}_representatives", _("Each side needs at least 3 representatives.")
                )
        union_ids = {u.pk for u in cleaned.get("union_representatives") or []}
        employer_ids = {u.pk for u in cleaned.get("employer_representatives") or []}
        if union_ids & employer_ids:
            raise forms.ValidationError(_("Nobody may represent both sides."))
        return cleaned

    @transaction.atomic
    def save(self, commit=True):
        data = self.cleaned_data
        if self.instance.pk is None:
            case = services.case_request(
                union=data["union"],
                employer=data["employer"],
                employer_kind=data.get("employer_kind") or "platform",
                title=data["title"],
                request_text=data["request_text"],
                requested_by_side=data.get("requested_by_side") or Side.UNION,
                region_code=data.get("region_code") or "",
                by=self.for_user,
            )
            self.instance = case
        else:
            case = super().save(commit=commit)
        try:
            for side in Side.values:
                users = list(data.get(f"{side}_representatives") or [])
                current = set(
                    case.representatives.filter(active=True, side=side).values_list(
                        "user_id", flat=True
                    )
                )
                chief = data.get(f"{side}_chief")
                changed = {u.pk for u in users} != current or (
                    chief is not None and case.chief(side) != chief
                )
                if users and changed:
                    services.representatives_set(
                        case=case, side=side, users=users, chief=chief, by=self.for_user
                    )
        except DomainError as err:
            # Shown as a form error by the view (see CaseCreateView/CaseEditView).
            raise forms.ValidationError(err.detail) from err
        return case


Case.base_form_class = CaseAdminForm


class ScopedObjectMixin:
    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        union_id = obj.union_id if hasattr(obj, "union_id") else obj.case.union_id
        if union_id not in _union_ids(self.request.user):
            raise PermissionDenied
        return obj


class DomainErrorFormMixin:
    """A service refusal on save becomes a form error instead of a crash."""

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except forms.ValidationError as err:
            form.add_error(None, err)
            return self.form_invalid(form)


class CaseCreateView(DomainErrorFormMixin, snippet_views.CreateView):
    pass


class CaseEditView(DomainErrorFormMixin, ScopedObjectMixin, snippet_views.EditView):
    pass


class ScopedHistoryView(ScopedObjectMixin, snippet_views.HistoryView):
    pass


class ScopedUsageView(ScopedObjectMixin, snippet_views.UsageView):
    pass


def _room_link(case: Case):
    return format_html(
        '<a href="{}">{}</a> · <a href="{}">{}</a>',
        reverse("bargaining:room", args=[case.pk]),
        _("Room"),
        reverse("bargaining:minutes", args=[case.pk]),
        _("Meeting minutes"),
    )


def _answer_due(case: Case):
    if case.status != CaseStatus.REQUESTED or not case.answer_due:
        return ""
    from django.utils import timezone

    local = timezone.localtime(case.answer_due)
    return local.strftime("%Y-%m-%d %H:%M")


class CaseViewSet(SnippetViewSet):
    model = Case
    icon = "group"
    menu_label = _("Bargaining cases")
    copy_view_enabled = False
    delete_view_enabled = False
    add_view_class = CaseCreateView
    edit_view_class = CaseEditView
    history_view_class = ScopedHistoryView
    usage_view_class = ScopedUsageView
    list_display = [
        "title",
        "union",
        "employer",
        "status",
        Column("answer_due", label=_("Answer due"), accessor=_answer_due),
        Column("room", label=_("Room"), accessor=_room_link),
    ]
    list_filter = ["status", "employer_kind"]
    search_fields = ["title", "employer"]
    panels = [
        FieldPanel("union"),
        FieldPanel("title"),
        FieldRowPanel([FieldPanel("employer"), FieldPanel("employer_kind")]),
        FieldPanel("region_code"),
        MultiFieldPanel(
            [FieldPanel("requested_by_side"), FieldPanel("request_text")],
            heading=_("Written bargaining request"),
        ),
        MultiFieldPanel(
            [FieldPanel("union_representatives"), FieldPanel("union_chief")],
            heading=_("Union side"),
        ),
        MultiFieldPanel(
            [FieldPanel("employer_representatives"), FieldPanel("employer_chief")],
            heading=_("Employer side"),
        ),
        FieldPanel("recorder"),
    ]

    def get_queryset(self, request):
        return Case.objects.filter(union_id__in=_union_ids(request.user)).select_related("union")


class AgendaItemForm(WagtailAdminModelForm):
    throughput_csv = forms.FileField(
        required=False,
        label=_("Worker throughput (CSV)"),
        help_text=_(
            "For a labour quota: anonymised pieces per hour, one worker per row (last column)."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "case" in self.fields and self.for_user is not None:
            self.fields["case"].queryset = Case.objects.filter(
                union_id__in=_union_ids(self.for_user)
            )
        if self.instance.pk:
            self.fields["case"].disabled = True
            if self.instance.offers.exists():
                # Offers were made in this kind of value: it cannot change under them.
                for name in ("value_kind", "unit"):
                    self.fields[name].disabled = True

    def clean_throughput_csv(self):
        upload = self.cleaned_data.get("throughput_csv")
        if not upload:
            return None
        if upload.size > MAX_CSV_BYTES:
            raise forms.ValidationError(_("The file is too large."))
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(_("The file must be UTF-8 text.")) from None

    @transaction.atomic
    def save(self, commit=True):
        data = self.cleaned_data
        try:
            if self.instance.pk is None:
                item = services.item_add(
                    case=data["case"],
                    by=self.for_user,
                    topic=data["topic"],
                    title=data["title"],
                    value_kind=data["value_kind"],
                    unit=data.get("unit") or "",
                    statutory_check=data.get("statutory_check") or "",
                    expected_per_hour=data.get("expected_per_hour"),
                )
                fields = ["description"]
                item.description = data.get("description") or ""
                if data.get("position"):
                    item.position = data["position"]
                    fields.append("position")
                item.save(update_fields=fields)
                self.instance = item
            else:
                item = super().save(commit=commit)
            if data.get("throughput_csv"):
                services.item_set_throughput(
                    item=item, by=self.for_user, csv_text=data["throughput_csv"]
                )
        except DomainError as err:
            raise forms.ValidationError(err.detail) from err
        return item


AgendaItem.base_form_class = AgendaItemForm


class ItemCreateView(DomainErrorFormMixin, snippet_views.CreateView):
    pass


class ItemEditView(DomainErrorFormMixin, ScopedObjectMixin, snippet_views.EditView):
    pass


class AgendaItemViewSet(SnippetViewSet):
    model = AgendaItem
    icon = "list-ul"
    menu_label = _("Agenda items")
    copy_view_enabled = False
    delete_view_enabled = False
    add_view_class = ItemCreateView
    edit_view_class = ItemEditView
    history_view_class = ScopedHistoryView
    usage_view_class = ScopedUsageView
    list_display = ["title", "case", "topic", "value_kind", "unit", "status"]
    list_filter = ["topic", "status"]
    search_fields = ["title"]
    panels = [
        FieldPanel("case"),
        FieldPanel("topic"),
        FieldPanel("title"),
        FieldPanel("description"),
        FieldRowPanel([FieldPanel("value_kind"), FieldPanel("unit")]),
        MultiFieldPanel(
            [
                FieldPanel("statutory_check"),
                FieldPanel("expected_per_hour"),
                FieldPanel("throughput_csv"),
            ],
            heading=_("Legal floor"),
        ),
        FieldPanel("position"),
    ]

    def get_queryset(self, request):
        return AgendaItem.objects.filter(
            case__union_id__in=_union_ids(request.user)
        ).select_related("case")


class MinimumWageViewSet(SnippetViewSet):
    """Public figures: every staff member reads the table; federation staff edit it."""

    model = MinimumWage
    icon = "table"
    menu_label = _("Minimum wages")
    copy_view_enabled = False
    list_display = ["region_name", "region_code", "monthly", "hourly", "effective_from", "note"]
    search_fields = ["region_name", "region_code"]
    panels = [
        FieldRowPanel([FieldPanel("region_code"), FieldPanel("region_name")]),
        FieldRowPanel([FieldPanel("monthly"), FieldPanel("hourly")]),
        FieldPanel("effective_from"),
        FieldPanel("note"),
    ]


class BargainingGroup(SnippetViewSetGroup):
    items = (CaseViewSet, AgendaItemViewSet, MinimumWageViewSet)
    menu_icon = "group"
    menu_label = _("Collective bargaining")
    menu_order = 260


register_snippet(BargainingGroup)
