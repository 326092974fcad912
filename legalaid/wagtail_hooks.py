"""Legal aid in the Wagtail admin: volunteers, stations, availability, campaigns, bookings,
feedback, and a satisfaction panel on the dashboard.

Every listing and every object view is scoped: union staff see their unions' legal-aid work
(volunteers, stations and cases of the unions they run); a volunteer sees only their own
availability and their own cases. Permission policies enforce the same scope on edit and
delete URLs, so guessing an id does not help.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.ui.components import Component
from wagtail.admin.views import generic
from wagtail.admin.views.generic import history, usage
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from legalaid import selectors
from legalaid.lines import SPECIALITIES
from legalaid.models import (
    AvailabilityException,
    AvailabilityWindow,
    Booking,
    Campaign,
    Feedback,
    Station,
    Topic,
    Volunteer,
    Weekday,
)
from legalaid.slot_supply import campaign_generate_slots
from unionhome.core import roles
from unionhome.core.admin_scope import UnionScopedViewMixin
from unionhome.membership.models import Union

# --- scope -----------------------------------------------------------------------------


def _scope_q(model, user) -> Q | None:
    """None means everything (superusers); otherwise the rows the user may see."""
    if user.is_superuser:
        return None
    union_ids = selectors.legalaid_staff_union_ids(user)
    if model is Station:
        return Q(union_id__in=union_ids)
    if model is Volunteer:
        return Q(union_id__in=union_ids) | Q(user=user)
    if model in (AvailabilityWindow, AvailabilityException):
        return Q(volunteer__union_id__in=union_ids) | Q(volunteer__user=user)
    if model is Campaign:
        return Q(union_id__in=union_ids)
    if model is Booking:
        return Q(volunteer__union_id__in=union_ids) | Q(volunteer__user=user)
    if model is Feedback:
        return Q(booking__volunteer__union_id__in=union_ids)
    return Q(pk__in=[])


def scoped(model, user):
    q = _scope_q(model, user)
    qs = model._default_manager.all()
    return qs if q is None else qs.filter(q).distinct()


class ScopedPolicy(ModelPermissionPolicy):
    """Model permissions from the groups, narrowed to the rows in the user's scope."""

    read_only = False

    def user_has_permission(self, user, action):
        if self.read_only and action in ("add", "change", "delete"):
            return False
        return super().user_has_permission(user, action)

    def user_has_permission_for_instance(self, user, action, instance):
        if not self.user_has_permission(user, action):
            return False
        return scoped(self.model, user).filter(pk=instance.pk).exists()

    def instances_user_has_any_permission_for(self, user, actions):
        if not self.user_has_any_permission(user, actions):
            return self.model._default_manager.none()
        return scoped(self.model, user)


class ReadOnlyPolicy(ScopedPolicy):
    # Bookings and feedback change only through the services (pages and API).
    read_only = True


for _model in (Station, Volunteer, AvailabilityWindow, AvailabilityException, Campaign):
    register_permission_policy(_model, ScopedPolicy(_model), exact_class=True)
for _model in (Booking, Feedback):
    register_permission_policy(_model, ReadOnlyPolicy(_model), exact_class=True)


class ScopedObjectMixin(UnionScopedViewMixin):
    """The shared union scope (404 outside it), with legal aid's wider rule: a volunteer also
    sees their own rows (``_scope_q``)."""

    def scope_queryset(self, queryset):
        q = _scope_q(self.model, self.request.user)
        return queryset if q is None else queryset.filter(q).distinct()


class ScopedIndexView(ScopedObjectMixin, generic.IndexView):
    pass


class ScopedEditView(ScopedObjectMixin, generic.EditView):
    pass


class ScopedDeleteView(ScopedObjectMixin, generic.DeleteView):
    pass


class ScopedInspectView(ScopedObjectMixin, generic.InspectView):
    pass


class ScopedHistoryView(ScopedObjectMixin, history.HistoryView):
    pass


class ScopedUsageView(ScopedObjectMixin, usage.UsageView):
    pass


class ScopedForm(WagtailAdminModelForm):
    """Choices limited to what the user runs: their unions, stations and volunteers."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        if user is None:
            return
        limits = {
            "volunteer": scoped(Volunteer, user),
            "volunteers": scoped(Volunteer, user),
            "station": scoped(Station, user),
            "stations": scoped(Station, user),
        }
        if not user.is_superuser:
            limits["union"] = Union.objects.filter(pk__in=selectors.legalaid_staff_union_ids(user))
        for name, queryset in limits.items():
            if name in self.fields:
                self.fields[name].queryset = queryset


class VolunteerForm(ScopedForm):
    specialities = forms.MultipleChoiceField(
        label=_("specialities"),
        choices=SPECIALITIES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Volunteer
        fields = [
            "user",
            "union",
            "display_name",
            "service",
            "title",
            "profile",
            "specialities",
            "languages",
            "stations",
            "does_phone",
            "does_video",
            "slot_minutes",
            "buffer_minutes",
            "is_active",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)

        # Only accounts in the volunteers group can be linked to a profile.
        self.fields["user"].queryset = get_user_model().objects.filter(
            groups__name=roles.VOLUNTEERS
        )


class CampaignForm(ScopedForm):
    weekdays = forms.TypedMultipleChoiceField(
        label=_("weekdays"),
        choices=Weekday.choices,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Leave empty for every day"),
    )

    class Meta:
        model = Campaign
        fields = [
            "union",
            "title",
            "stations",
            "volunteers",
            "starts_on",
            "ends_on",
            "weekdays",
            "daily_start",
            "daily_end",
            "skip_holidays",
        ]


class CampaignCreateView(generic.CreateView):
    def save_instance(self):

        instance = super().save_instance()
        campaign_generate_slots(campaign=instance)
        return instance


class CampaignEditView(ScopedEditView):
    def save_instance(self):

        instance = super().save_instance()
        campaign_generate_slots(campaign=instance)
        return instance


class ScopedViewSet(ModelViewSet):
    index_view_class = ScopedIndexView
    edit_view_class = ScopedEditView
    delete_view_class = ScopedDeleteView
    inspect_view_class = ScopedInspectView
    history_view_class = ScopedHistoryView
    usage_view_class = ScopedUsageView
    copy_view_enabled = False
    add_to_admin_menu = False


class StationViewSet(ScopedViewSet):
    """Every kind of station (rest, legal aid, workers' home) in one menu entry of its own:
    the public site, legal aid and campaigns all read these rows."""

    model = Station
    icon = "site"
    menu_label = _("Stations")
    menu_order = 300
    add_to_admin_menu = True
    form_fields = [
        "union",
        "name",
        "name_en",
        "kind",
        "company",
        "offers",
        "offers_en",
        "address",
        "address_en",
        "district",
        "latitude",
        "longitude",
        "opening_hours",
        "opening_hours_en",
        "amenities",
        "amenities_en",
        "phone",
        "is_active",
    ]
    list_display = ["name", "kind", "district", "address", "is_active"]
    list_filter = ["kind", "district", "is_active"]
    search_fields = ["name", "address", "district"]

    def get_form_class(self, for_update=False):
        return forms.modelform_factory(Station, form=ScopedForm, fields=self.form_fields)


class VolunteerViewSet(ScopedViewSet):
    model = Volunteer
    icon = "user"
    list_display = ["display_name", "service", "title", "union", "does_video", "is_active"]
    list_filter = ["service", "is_active", "does_video"]
    search_fields = ["display_name", "title", "languages"]

    def get_form_class(self, for_update=False):
        return VolunteerForm


class WindowViewSet(ScopedViewSet):
    model = AvailabilityWindow
    icon = "time"
    form_fields = [
        "volunteer",
        "weekday",
        "start_time",
        "end_time",
        "channel",
        "station",
        "valid_from",
        "valid_until",
    ]
    list_display = ["volunteer", "weekday", "start_time", "end_time", "channel", "station"]
    list_filter = ["weekday", "channel"]

    def get_form_class(self, for_update=False):
        return forms.modelform_factory(AvailabilityWindow, form=ScopedForm, fields=self.form_fields)


class ExceptionViewSet(ScopedViewSet):
    model = AvailabilityException
    icon = "date"
    form_fields = ["volunteer", "starts_at", "ends_at", "reason"]
    list_display = ["volunteer", "starts_at", "ends_at", "reason"]

    def get_form_class(self, for_update=False):
        return forms.modelform_factory(
            AvailabilityException, form=ScopedForm, fields=self.form_fields
        )


class CampaignViewSet(ScopedViewSet):
    model = Campaign
    icon = "calendar-alt"
    add_view_class = CampaignCreateView
    edit_view_class = CampaignEditView
    list_display = ["title", "starts_on", "ends_on", "slots_created"]

    def get_form_class(self, for_update=False):
        return CampaignForm


class BookingViewSet(ScopedViewSet):
    model = Booking
    icon = "form"
    inspect_view_enabled = True
    form_fields = ["status"]
    list_display = ["__str__", "slot", "volunteer", "channel", "status", "outcome"]
    list_filter = ["status", "topic", "channel", "outcome"]
    inspect_view_fields = [
        "id",
        "slot",
        "volunteer",
        "member",
        "booked_by",
        "topic",
        "description",
        "channel",
        "status",
        "outcome",
        "cancel_reason",
        "created_at",
    ]


class FeedbackViewSet(ScopedViewSet):
    model = Feedback
    icon = "pick"
    inspect_view_enabled = True
    form_fields = ["rating"]
    list_display = ["booking", "rating", "created_at"]
    list_filter = ["rating"]


class LegalAidGroup(ViewSetGroup):
    menu_label = _("Legal aid")
    menu_icon = "help"
    menu_order = 320
    items = (
        BookingViewSet("legalaid_bookings"),
        VolunteerViewSet("legalaid_volunteers"),
        WindowViewSet("legalaid_windows"),
        ExceptionViewSet("legalaid_absences"),
        CampaignViewSet("legalaid_campaigns"),
        FeedbackViewSet("legalaid_feedback"),
    )


@hooks.register("register_admin_viewset")
def register_legalaid_viewsets():
    return [LegalAidGroup(), StationViewSet("legalaid_stations")]


# --- dashboard panel -------------------------------------------------------------------


def _bar_chart(rows: list[tuple[str, int]]) -> dict:
    """Geometry for a horizontal SVG bar chart (drawn by the template, no JavaScript)."""
    top = max((n for _label, n in rows), default=0) or 1
    bar_height, gap, label_width, width = 18, 6, 160, 480
    bars = [
        {
            "label": label,
            "n": n,
            "y": index * (bar_height + gap),
            "width": round((width - label_width - 40) * n / top),
        }
        for index, (label, n) in enumerate(rows)
    ]
    return {
        "bars": bars,
        "height": max(len(bars) * (bar_height + gap), bar_height),
        "bar_height": bar_height,
        "label_width": label_width,
        "width": width,
    }


class SatisfactionPanel(Component):
    name = "legalaid_satisfaction"
    order = 160

    def __init__(self, user):
        self.user = user

    def render_html(self, parent_context=None):
        union_ids = (
            None if self.user.is_superuser else selectors.legalaid_staff_union_ids(self.user)
        )
        stats = selectors.satisfaction_stats(union_ids=union_ids)
        labels = dict(Topic.choices)
        months: dict = {}
        for row in stats["per_topic_month"]:
            months.setdefault(row["month"], []).append(
                {"topic": labels.get(row["topic"], row["topic"]), "n": row["n"]}
            )
        recent = sorted(months.items())[-6:]
        chart_rows = [
            (f"{month:%Y-%m} {item['topic']}", item["n"])
            for month, items in recent
            for item in items
        ]
        return render_to_string(
            "legalaid/admin/satisfaction_panel.html",
            {
                "stats": stats,
                "months": recent,
                "chart": _bar_chart(chart_rows),
            },
        )


@hooks.register("construct_homepage_panels")
def add_satisfaction_panel(request, panels):
    if selectors.is_legalaid_staff(request.user):
        panels.append(SatisfactionPanel(request.user))
