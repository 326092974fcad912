"""Admin entry points for complaints. Handling happens on the desk pages (which call the
services), so the admin only links there: one place for every change and its timeline."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from legalaid.complaints.selectors import handled_union_ids
from unionhome.core import roles


class DeskMenuItem(MenuItem):
    def is_shown(self, request):
        return bool(handled_union_ids(request.user))


class PatternsMenuItem(MenuItem):
    def is_shown(self, request):
        user = request.user
        return roles.is_federation_staff(user) or bool(handled_union_ids(user))


@hooks.register("register_admin_menu_item")
def complaints_desk_menu_item():
    return DeskMenuItem(
        _("Complaints desk"), reverse("complaints:desk"), icon_name="warning", order=420
    )


@hooks.register("register_admin_menu_item")
def complaints_patterns_menu_item():
    return PatternsMenuItem(
        _("Complaint patterns"), reverse("complaints:patterns"), icon_name="table", order=421
    )
