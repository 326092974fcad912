"""The Wagtail admin for bargaining: union staff open cases (the written request), name both
sides' representatives and set the agenda; federation staff keep the minimum-wage table.
Everything is scoped to the unions the user runs, and every change goes through the services
(so it is validated and written to the case's event log)."""

from django import forms
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.admin.ui.tables import Column
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from bargaining import case_edits, case_setup
from bargaining.models import AgendaItem, Case, CaseStatus, HolidayOverride, MinimumWage, Side
from unionhome.core import roles
from unionhome.core.admin_forms import ServiceErrorViewMixin
from unionhome.core.admin_scope import (
    UnionScopedFormMixin,
    UnionScopedViewMixin,
    UnionScopedViewSetMixin,
    scope_to_unions,
)
from unionhome.core.errors import DomainError

MAX_CSV_BYTES = 1024 * 1024


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


class CaseAdminForm(UnionScopedFormMixin, WagtailAdminModelForm):
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
        help_text=_("The union chair, or someone the chair delegates in writing (art. 20)."),
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
    # Collective Contract Provisions arts. 20-21: a chief who is not the union chair / the
    # employer's legal representative acts on a written delegation, recorded here.
    union_delegation = forms.CharField(
        required=False,
        max_length=200,
        label=_("Union chief's written delegation (reference)"),
        help_text=_("Required when the chief is not the union chair (art. 20)."),
    )
    employer_delegation = forms.CharField(
        required=False,
        max_length=200,
        label=_("Employer chief's written delegation (reference)"),
        help_text=_("Required when the chief is not the legal representative (art. 21)."),
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

    @transaction.atomic
    def save(self, commit=True):
        data = self.cleaned_data
        if self.instance.pk is None:
            case = case_setup.case_request(
                union=data["union"],
                employer=data["employer"],
                employer_kind=data.get("employer_kind") or "platform",
                title=data["title"],
                request_text=data["request_text"],
                requested_by_side=data.get("requested_by_side") or Side.UNION,
                region_code=data.get("region_code") or "",
                employer_legal_representative=data.get("employer_legal_representative") or "",
                by=self.for_user,
            )
        else:
            case = self.instance
        # The team rules (CCP arts. 19-24) live in case_setup.teams_set alone: a refusal
        # comes back as a DomainError, shown as a form error (ServiceErrorViewMixin). Both
        # sides go in one call, so they are checked as they will be and saved together.
        try:
            teams = {}
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
                    reference = (data.get(f"{side}_delegation") or "").strip()
                    teams[side] = case_setup.Team(
                        users=users,
                        chief=chief,
                        delegation={"reference": reference} if reference else None,
                    )
            if teams:
                case_setup.teams_set(case=case, teams=teams, by=self.for_user)
            # After the teams, so the recorder is checked against the new representatives.
            # A new case took its details from case_request: the recorder and English names are left.
            editable = (
                ("recorder", "title_en", "employer_en")
                if self.instance.pk is None
                else case_edits.CASE_EDITABLE
            )
            case = case_edits.case_update(
                case=case,
                by=self.for_user,
                data={
                    name: data.get(name)
                    for name in editable
                    if name in self.fields and not self.fields[name].disabled
                },
            )
        except DomainError as err:
            raise forms.ValidationError(err.detail, code=err.code) from err
        self.instance = case
        return case


Case.base_form_class = CaseAdminForm


class ScopedObjectMixin(UnionScopedViewMixin):
    union_path = "union"


class ItemScopedObjectMixin(UnionScopedViewMixin):
    union_path = "case__union"


class CaseCreateView(ServiceErrorViewMixin, snippet_views.CreateView):
    pass


class CaseEditView(ServiceErrorViewMixin, ScopedObjectMixin, snippet_views.EditView):
    pass


class ScopedHistoryView(ScopedObjectMixin, snippet_views.HistoryView):
    pass


class ScopedUsageView(ScopedObjectMixin, snippet_views.UsageView):
    pass


class ItemHistoryView(ItemScopedObjectMixin, snippet_views.HistoryView):
    pass


class ItemUsageView(ItemScopedObjectMixin, snippet_views.UsageView):
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
    local = timezone.localtime(case.answer_due)
    return local.strftime("%Y-%m-%d %H:%M")


class CaseViewSet(UnionScopedViewSetMixin, SnippetViewSet):
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
        FieldRowPanel([FieldPanel("title"), FieldPanel("title_en")]),
        FieldRowPanel([FieldPanel("employer"), FieldPanel("employer_en")]),
        FieldPanel("employer_kind"),
        FieldPanel("region_code"),
        MultiFieldPanel(
            [FieldPanel("requested_by_side"), FieldPanel("request_text")],
            heading=_("Written bargaining request"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("union_representatives"),
                FieldPanel("union_chief"),
                FieldPanel("union_delegation"),
            ],
            heading=_("Union side"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("employer_legal_representative"),
                FieldPanel("employer_representatives"),
                FieldPanel("employer_chief"),
                FieldPanel("employer_delegation"),
            ],
            heading=_("Employer side"),
        ),
        FieldPanel("recorder"),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("union")


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
            self.fields["case"].queryset = scope_to_unions(Case.objects.all(), self.for_user)
        if "covers" in self.fields:
            # Optional in the form: most items cover every worker (the model's default).
            self.fields["covers"].required = False
        if self.instance.pk:
            self.fields["case"].disabled = True
            if self.instance.offers.exists():
                # Offers were made in this kind of value: it cannot change under them.
                for name in ("value_kind", "unit"):
                    self.fields[name].disabled = True

    def clean_covers(self):
        return self.cleaned_data.get("covers") or "all"

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
                item = case_setup.item_add(
                    case=data["case"],
                    by=self.for_user,
                    topic=data["topic"],
                    title=data["title"],
                    title_en=data.get("title_en") or "",
                    value_kind=data["value_kind"],
                    unit=data.get("unit") or "",
                    unit_en=data.get("unit_en") or "",
                    statutory_check=data.get("statutory_check") or "",
                    expected_per_hour=data.get("expected_per_hour"),
                    covers=data.get("covers") or "all",
                    break_after_hours=data.get("break_after_hours"),
                    compensatory_rest=bool(data.get("compensatory_rest")),
                    description=data.get("description") or "",
                    position=data.get("position"),
                )
            else:
                item = case_edits.item_update(
                    item=self.instance,
                    by=self.for_user,
                    data={
                        name: data[name]
                        for name in case_edits.ITEM_EDITABLE
                        if name in data and not self.fields[name].disabled
                    },
                )
            if data.get("throughput_csv"):
                case_setup.item_set_throughput(
                    item=item, by=self.for_user, csv_text=data["throughput_csv"]
                )
        except DomainError as err:
            raise forms.ValidationError(err.detail, code=err.code) from err
        self.instance = item
        return item


AgendaItem.base_form_class = AgendaItemForm


class ItemCreateView(ServiceErrorViewMixin, snippet_views.CreateView):
    pass


class ItemEditView(ServiceErrorViewMixin, ItemScopedObjectMixin, snippet_views.EditView):
    pass


class AgendaItemViewSet(UnionScopedViewSetMixin, SnippetViewSet):
    model = AgendaItem
    icon = "list-ul"
    menu_label = _("Agenda items")
    copy_view_enabled = False
    delete_view_enabled = False
    add_view_class = ItemCreateView
    edit_view_class = ItemEditView
    history_view_class = ItemHistoryView
    usage_view_class = ItemUsageView
    list_display = ["title", "case", "topic", "value_kind", "unit", "status"]
    list_filter = ["topic", "status"]
    search_fields = ["title"]
    panels = [
        FieldPanel("case"),
        FieldPanel("topic"),
        FieldRowPanel([FieldPanel("title"), FieldPanel("title_en")]),
        FieldPanel("description"),
        FieldRowPanel([FieldPanel("value_kind"), FieldPanel("unit"), FieldPanel("unit_en")]),
        FieldPanel("agreed_value_en"),
        MultiFieldPanel(
            [
                FieldPanel("statutory_check"),
                FieldPanel("covers"),
                FieldPanel("expected_per_hour"),
                FieldPanel("break_after_hours"),
                FieldPanel("compensatory_rest"),
                FieldPanel("throughput_csv"),
            ],
            heading=_("Legal floor"),
        ),
        FieldPanel("position"),
    ]

    union_path = "case__union"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("case")


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


class HolidayOverrideViewSet(SnippetViewSet):
    """The official calendar comes from the chinese-calendar package; staff add a new year's
    arrangement (or a correction) here. Public figures: federation staff edit them."""

    model = HolidayOverride
    icon = "date"
    menu_label = _("Holiday calendar")
    copy_view_enabled = False
    list_display = ["day", "kind", "name", "statutory", "source"]
    list_filter = ["kind", "statutory"]
    panels = [
        FieldRowPanel([FieldPanel("day"), FieldPanel("kind")]),
        FieldRowPanel([FieldPanel("name"), FieldPanel("statutory")]),
        FieldPanel("source"),
    ]


class BargainingGroup(SnippetViewSetGroup):
    items = (CaseViewSet, AgendaItemViewSet, MinimumWageViewSet, HolidayOverrideViewSet)
    menu_icon = "group"
    menu_label = _("Collective bargaining")
    menu_order = 260


register_snippet(BargainingGroup)
