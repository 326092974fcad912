"""Admin: staff link users to the company they speak for (company accounts); the
consultations themselves are run on their pages, which call the services."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from bargaining.consultations.models import CompanyAccount
from unionhome.core import roles


class CompanyAccountViewSet(SnippetViewSet):
    model = CompanyAccount
    icon = "user"
    menu_label = _("Company accounts")
    menu_order = 430
    add_to_admin_menu = True
    list_display = ["company", "user"]
    search_fields = ["company"]
    copy_view_enabled = False


register_snippet(CompanyAccountViewSet)


class ConsultationsMenuItem(MenuItem):
    def is_shown(self, request):
        return bool(roles.staffed_union_ids(request.user))


@hooks.register("register_admin_menu_item")
def consultations_menu_item():
    return ConsultationsMenuItem(
        _("Platform-rule consultations"),
        reverse("consultations:list"),
        icon_name="comment",
        order=431,
    )
