"""The union core in the Wagtail admin: organisations, the member directory, applications,
transfers, join codes and posters, imports, deletion requests and a dashboard panel.

Union staff see only their unions' subtree (``roles.staffed_union_ids``); federation staff see
everything. Permissions follow the roles rather than per-model Django permissions.
"""

from __future__ import annotations

from django.urls import include, path, reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from unionhome.core import roles
from unionhome.core.admin_scope import UnionScopedViewMixin, scope_to_unions
from unionhome.membership import admin_views, personal_data, selectors, services
from unionhome.membership.models import (
    Membership,
    MembershipStatus,
    Union,
    UnionKind,
    UnionStaff,
    WorkerType,
)

# --- Permissions ----------------------------------------------------------------------------


class UnionScopedPolicy(ModelPermissionPolicy):
    """Staff may view (and for unions, change) what lies in their subtree; only federation
    staff (or users given the Django permission) add and delete."""

    staff_actions = ("view",)

    def user_has_permission(self, user, action):
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return False
        if roles.is_federation_staff(user) and action != "delete":
            return True
        if action in self.staff_actions and roles.staffed_union_ids(user):
            return True
        return super().user_has_permission(user, action)


class UnionPolicy(UnionScopedPolicy):
    # Staff may add unions below their own (e.g. a district adds an enterprise union).
    staff_actions = ("view", "change", "add")


class UnionStaffPolicy(UnionScopedPolicy):
    staff_actions = ("view", "change", "add", "delete")

    def user_has_permission(self, user, action):
        if action == "delete" and roles.is_federation_staff(user):
            return True
        return super().user_has_permission(user, action)


class MembershipPolicy(UnionScopedPolicy):
    # Status changes go through the applications/transfers screens (services), never a form.
    def user_has_permission(self, user, action):
        if action in ("add", "change", "delete"):
            return False
        return super().user_has_permission(user, action)


register_permission_policy(Union, UnionPolicy(Union), exact_class=True)
register_permission_policy(Membership, MembershipPolicy(Membership), exact_class=True)
register_permission_policy(UnionStaff, UnionStaffPolicy(UnionStaff), exact_class=True)


class Scoped(UnionScopedViewMixin):
    # The Union model is its own union; the others point at one with ``union``.
    union_path = "id"


# --- Unions ---------------------------------------------------------------------------------


class UnionIndexView(Scoped, generic.IndexView):
    pass


class UnionHistoryView(Scoped, generic.HistoryView):
    pass


class UnionUsageView(Scoped, generic.UsageView):
    pass


class UnionEditView(Scoped, generic.EditView):
    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if not roles.is_federation_staff(self.request.user):
            # Moving a union in the tree changes who runs it: federation staff only.
            for name in ("parent", "kind"):
                if name in form.fields:
                    form.fields[name].disabled = True
        return form


class UnionDeleteView(Scoped, generic.DeleteView):
    pass


class UnionCreateView(generic.CreateView):
    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if not roles.is_federation_staff(self.request.user):
            ids = roles.staffed_union_ids(self.request.user)
            form.fields["parent"].queryset = Union.objects.filter(pk__in=ids)
            form.fields["parent"].required = True
            form.fields["kind"].choices = [
                (value, label)
                for value, label in form.fields["kind"].choices
                if value not in (UnionKind.FEDERATION, UnionKind.DISTRICT)
            ]
        return form


class PosterColumn(Column):
    cell_template_name = "unionhome/admin/poster_cell.html"

    def get_value(self, instance):
        return reverse("unionhome:union_poster", kwargs={"pk": instance.pk})


class UnionViewSet(ModelViewSet):
    model = Union
    icon = "group"
    menu_label = _("Unions")
    add_to_admin_menu = False
    index_view_class = UnionIndexView
    history_view_class = UnionHistoryView
    usage_view_class = UnionUsageView
    add_view_class = UnionCreateView
    edit_view_class = UnionEditView
    delete_view_class = UnionDeleteView
    copy_view_enabled = False
    form_fields = [
        "name",
        "name_en",
        "kind",
        "parent",
        "region",
        "region_en",
        "region_code",
        "industry",
        "industry_en",
        "address",
        "address_en",
        "contact_name",
        "contact_phone",
        "chair",
        "member_no_prefix",
    ]
    list_display = [
        "name",
        "kind",
        "parent",
        "region",
        "industry",
        PosterColumn("poster", label=_("Poster")),
    ]
    list_filter = ["kind", "region"]
    search_fields = ["name", "name_en", "region", "industry", "address"]
    search_backend_name = None


# --- Member directory -----------------------------------------------------------------------


class MembershipIndexView(Scoped, generic.IndexView):
    union_path = "union"

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("union", "join_code")


class MembershipInspectView(Scoped, generic.InspectView):
    union_path = "union"

    def get_field_display_value(self, field_name, field):
        if field_name == "id_number":
            return personal_data.id_number_shown(membership=self.object, user=self.request.user)
        return super().get_field_display_value(field_name, field)


class MembershipViewSet(ModelViewSet):
    model = Membership
    icon = "user"
    menu_label = _("Member directory")
    add_to_admin_menu = False
    index_view_class = MembershipIndexView
    inspect_view_class = MembershipInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    list_per_page = 50
    list_display = [
        "full_name",
        "member_no",
        "union",
        "status",
        "worker_type",
        "platform",
        "city",
        "since",
        Column("id_number_masked", label=_("ID number")),
    ]
    list_filter = {
        "status": ["exact"],
        "worker_type": ["exact"],
        "platform": ["icontains"],
        "city": ["icontains"],
    }
    search_fields = ["full_name", "member_no", "phone", "platform", "city"]
    search_backend_name = None
    list_export = [
        "member_no",
        "full_name",
        "union",
        "get_status_display",
        "get_worker_type_display",
        "occupation",
        "platform",
        "city",
        "since",
        "phone",
        "id_number_masked",
        "applied_at",
    ]
    export_headings = {
        "id_number_masked": _("Resident ID number (masked)"),
        "union": _("union"),
        "get_status_display": _("status"),
        "get_worker_type_display": _("worker type"),
    }
    export_filename = "members"
    inspect_view_fields = [
        "full_name",
        "member_no",
        "union",
        "status",
        "since",
        "phone",
        "id_number",
        "worker_type",
        "occupation",
        "platform",
        "city",
        "join_code",
        "in_pool",
        "consent_at",
        "applied_at",
        "decided_at",
        "reject_reason",
    ]

    def get_form_fields(self):
        return []


# --- Union staff ----------------------------------------------------------------------------


class StaffIndexView(Scoped, generic.IndexView):
    union_path = "union"

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("union", "user")


class StaffHistoryView(Scoped, generic.HistoryView):
    union_path = "union"


class StaffUsageView(Scoped, generic.UsageView):
    union_path = "union"


class StaffFormMixin:
    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.fields["union"].queryset = scope_to_unions(
            Union.objects.all(), self.request.user, "id"
        )
        return form


class StaffCreateView(StaffFormMixin, generic.CreateView):
    def save_instance(self):
        # Through the service: the new staff member also gets the role group and admin access.
        data = self.form.cleaned_data
        return services.union_staff_add(
            union=data["union"], user=data["user"], title=data["title"], actor=self.request.user
        )


class StaffEditView(StaffFormMixin, Scoped, generic.EditView):
    union_path = "union"


class StaffDeleteView(Scoped, generic.DeleteView):
    union_path = "union"


class UnionStaffViewSet(ModelViewSet):
    model = UnionStaff
    icon = "user"
    menu_label = _("Union staff")
    add_to_admin_menu = False
    index_view_class = StaffIndexView
    history_view_class = StaffHistoryView
    usage_view_class = StaffUsageView
    add_view_class = StaffCreateView
    edit_view_class = StaffEditView
    delete_view_class = StaffDeleteView
    copy_view_enabled = False
    form_fields = ["union", "user", "title"]
    list_display = ["user", "union", "title"]
    search_fields = ["user__username", "user__first_name", "union__name", "title"]
    search_backend_name = None


union_staff_viewset = UnionStaffViewSet("union-staff")
union_viewset = UnionViewSet("unions")
membership_viewset = MembershipViewSet("members")


@hooks.register("register_admin_viewset")
def register_viewsets():
    return [union_viewset, membership_viewset, union_staff_viewset]


# --- Custom screens and the menu ------------------------------------------------------------


admin_urlpatterns = [
    path("applications/", admin_views.applications, name="applications"),
    path("applications/<int:pk>/approve/", admin_views.application_approve, name="approve"),
    path("applications/<int:pk>/reject/", admin_views.application_reject, name="reject"),
    path("applications/<int:pk>/assign/", admin_views.application_assign, name="assign"),
    path("transfers/", admin_views.transfers, name="transfers"),
    path("transfers/<int:pk>/approve/", admin_views.transfer_approve, name="transfer_approve"),
    path("transfers/<int:pk>/reject/", admin_views.transfer_reject, name="transfer_reject"),
    path("join-codes/", admin_views.join_codes, name="join_codes"),
    path("join-codes/new/", admin_views.join_code_create, name="join_code_create"),
    path("join-codes/<int:pk>/rotate/", admin_views.join_code_rotate, name="join_code_rotate"),
    path("join-codes/<int:pk>/toggle/", admin_views.join_code_toggle, name="join_code_toggle"),
    path("join-codes/<int:pk>/qr/", admin_views.join_code_qr, name="join_code_qr"),
    path("imports/", admin_views.imports, name="imports"),
    path("imports/<int:pk>/", admin_views.import_detail, name="import_detail"),
    path("deletions/", admin_views.deletions, name="deletions"),
    path("deletions/<int:pk>/carry-out/", admin_views.deletion_carry_out, name="deletion_do"),
]


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [path("membership/", include((admin_urlpatterns, "unionhome_admin")))]


class StaffMenuItem(MenuItem):
    def is_shown(self, request):
        return bool(roles.staffed_union_ids(request.user))


membership_menu = Menu(
    items=[
        StaffMenuItem(
            _("Applications"),
            reverse_lazy("unionhome_admin:applications"),
            name="membership-applications",
            icon_name="form",
            order=100,
        ),
        StaffMenuItem(
            _("Member directory"),
            reverse_lazy("members:index"),
            name="membership-directory",
            icon_name="user",
            order=200,
        ),
        StaffMenuItem(
            _("Transfers"),
            reverse_lazy("unionhome_admin:transfers"),
            name="membership-transfers",
            icon_name="arrows-up-down",
            order=300,
        ),
        StaffMenuItem(
            _("Join codes and posters"),
            reverse_lazy("unionhome_admin:join_codes"),
            name="membership-codes",
            icon_name="link",
            order=400,
        ),
        StaffMenuItem(
            _("Unions"),
            reverse_lazy("unions:index"),
            name="membership-unions",
            icon_name="group",
            order=500,
        ),
        StaffMenuItem(
            _("Union staff"),
            reverse_lazy("union-staff:index"),
            name="membership-staff",
            icon_name="user",
            order=550,
        ),
        StaffMenuItem(
            _("Import members"),
            reverse_lazy("unionhome_admin:imports"),
            name="membership-imports",
            icon_name="upload",
            order=600,
        ),
        StaffMenuItem(
            _("Data deletion requests"),
            reverse_lazy("unionhome_admin:deletions"),
            name="membership-deletions",
            icon_name="bin",
            order=700,
        ),
    ]
)


@hooks.register("register_admin_menu_item")
def register_membership_menu():
    return SubmenuMenuItem(
        _("Membership"), membership_menu, name="membership", icon_name="group", order=150
    )


# --- Dashboard ------------------------------------------------------------------------------


class MembershipCountsPanel(Component):
    name = "membership_counts"
    order = 50
    template_name = "unionhome/admin/dashboard_panel.html"

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context=None):
        ids = roles.staffed_union_ids(self.request.user)
        counts = selectors.membership_counts(union_ids=ids)
        by_status = counts["by_status"]
        by_worker = counts["by_worker_type"]
        status_rows = [
            (label, by_status.get(value, 0)) for value, label in MembershipStatus.choices
        ]
        worker_rows = [(label, by_worker.get(value, 0)) for value, label in WorkerType.choices]
        top = max([n for _l, n in status_rows + worker_rows] + [1])
        return {
            "status_rows": [(label, n, round(100 * n / top)) for label, n in status_rows],
            "worker_rows": [(label, n, round(100 * n / top)) for label, n in worker_rows],
            "pending": by_status.get(MembershipStatus.PENDING, 0),
            "applications_url": reverse("unionhome_admin:applications"),
        }


@hooks.register("construct_homepage_panels")
def add_membership_panel(request, panels):
    if roles.staffed_union_ids(request.user):
        panels.append(MembershipCountsPanel(request))
