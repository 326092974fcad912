"""Care in the Wagtail admin: the dashboard (files by level and district, aid by month and
fund, overdue re-checks, campaign claims per station and day), the export, and the editable
data (hardship levels, subsistence lines, campaigns and their station supplies).

File changes are not edited here: they go through the staff file page, which calls the
services, so every change leaves its audit event and passes the same rules.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.forms import modelform_factory
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from unionhome.care import selectors, services
from unionhome.care.models import (
    Activity,
    CampaignStation,
    HardshipLevel,
    SubsistenceLine,
    WarmthCampaign,
)
from unionhome.core import roles
from unionhome.core.admin_scope import (
    UnionScopedFormMixin,
    UnionScopedViewMixin,
    UnionScopedViewSetMixin,
    union_ids,
)


def _require_staff(request) -> None:
    if not roles.staffed_union_ids(request.user):
        raise PermissionDenied


def dashboard(request):
    _require_staff(request)
    today = timezone.localdate()
    title = _("Care dashboard")
    return render(
        request,
        "care/admin/dashboard.html",
        {
            "page_title": title,
            "header_title": title,
            "board": selectors.dashboard(user=request.user, today=today),
            "claims": selectors.campaign_counts(user=request.user),
            "today": today,
        },
    )


def export(request):
    _require_staff(request)
    response = HttpResponse(
        services.hardship_export(actor=request.user), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="hardship-files.csv"'
    return response


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [
        path("care/", dashboard, name="care_dashboard"),
        path("care/export.csv", export, name="care_export"),
    ]


class StaffMenuItem(MenuItem):
    def is_shown(self, request):
        return bool(roles.staffed_union_ids(request.user))


@hooks.register("register_admin_menu_item")
def register_care_menu():
    return StaffMenuItem(
        _("Care dashboard"),
        reverse_lazy("care_dashboard"),
        name="care-dashboard",
        icon_name="doc-full",
        order=330,
    )


# Shared by every union: only federation staff change them (care/permissions.py, registered
# as the models' permission policy); union staff read them in the listing and inspect view.
class LevelViewSet(ModelViewSet):
    model = HardshipLevel
    icon = "list-ol"
    inspect_view_enabled = True
    form_fields = ["name", "name_en", "criteria", "order", "is_active"]
    list_display = ["name", "code", "order", "is_active"]


class SubsistenceLineViewSet(ModelViewSet):
    model = SubsistenceLine
    icon = "doc-full"
    inspect_view_enabled = True
    form_fields = ["region", "monthly_per_person", "source", "is_example"]
    list_display = ["region", "monthly_per_person", "is_example"]


class UnionScopedForm(UnionScopedFormMixin, WagtailAdminModelForm):
    pass


class SupplyForm(WagtailAdminModelForm):
    """Supplies only for campaigns of the unions the user runs."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The model field has no translated name (changing it is a migration of its own).
        self.fields["campaign"].label = _("Campaign")
        if self.for_user is not None:
            self.fields["campaign"].queryset = self.fields["campaign"].queryset.filter(
                union__in=union_ids(self.for_user)
            )


class ScopedFormViewSetMixin:
    """Builds the create/edit form on a scoped base form (ModelViewSet's own is a plain
    ModelForm, which neither limits the choices nor knows the user)."""

    scoped_form = UnionScopedForm

    def get_form_class(self, for_update=False):
        return modelform_factory(
            self.model,
            form=self.scoped_form,
            formfield_callback=self.formfield_for_dbfield,
            fields=self.get_form_fields(),
        )


def _scoped_views(union_path: str) -> dict:
    """The listing holds only the user's unions' rows, and every object view answers 404 for
    another union's row (ModelViewSet, unlike SnippetViewSet, does not scope by
    ``get_queryset``)."""
    views = {}
    for name, base in (
        ("index_view_class", generic.IndexView),
        ("edit_view_class", generic.EditView),
        ("delete_view_class", generic.DeleteView),
        ("history_view_class", generic.HistoryView),
        ("usage_view_class", generic.UsageView),
        ("inspect_view_class", generic.InspectView),
        ("copy_view_class", generic.CopyView),
    ):
        views[name] = type(
            f"Scoped{base.__name__}", (UnionScopedViewMixin, base), {"union_path": union_path}
        )
    return views


class CampaignViewSet(ScopedFormViewSetMixin, UnionScopedViewSetMixin, ModelViewSet):
    model = WarmthCampaign
    icon = "pick"
    form_fields = ["union", "kind", "title", "item", "starts_on", "ends_on", "limit_per_member"]
    list_display = ["title", "kind", "starts_on", "ends_on", "limit_per_member"]


class SupplyViewSet(ScopedFormViewSetMixin, UnionScopedViewSetMixin, ModelViewSet):
    scoped_form = SupplyForm
    model = CampaignStation
    icon = "table"
    form_fields = ["campaign", "station", "supplied", "remaining"]
    list_display = [
        Column("campaign", label=_("Campaign")),
        "station",
        "supplied",
        "remaining",
    ]
    union_path = "campaign__union"


class ActivityViewSet(ScopedFormViewSetMixin, UnionScopedViewSetMixin, ModelViewSet):
    model = Activity
    icon = "date"
    form_fields = [
        "union",
        "kind",
        "title",
        "description",
        "station",
        "online_url",
        "starts_at",
        "ends_at",
        "capacity",
    ]
    list_display = ["title", "kind", "starts_at", "station", "capacity"]


for viewset in (CampaignViewSet, SupplyViewSet, ActivityViewSet):
    for name, view in _scoped_views(viewset.union_path).items():
        setattr(viewset, name, view)


class CareGroup(ViewSetGroup):
    menu_label = _("Care settings")
    menu_icon = "cogs"
    menu_order = 331
    items = (
        CampaignViewSet("care_campaigns"),
        SupplyViewSet("care_supplies"),
        ActivityViewSet("care_activities"),
        LevelViewSet("care_levels"),
        SubsistenceLineViewSet("care_subsistence"),
    )


@hooks.register("register_admin_viewset")
def register_care_viewsets():
    return CareGroup()
