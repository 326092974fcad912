"""The Wagtail admin: the wording templates and standard clauses staff edit, and the
contracts with every generated version (scoped to the unions the user runs)."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from bargaining.contracts import admin_views
from bargaining.contracts.models import StandardClause, WordingTemplate


class WordingTemplateViewSet(SnippetViewSet):
    model = WordingTemplate
    icon = "doc-full"
    menu_label = _("Wording templates")
    list_display = ["__str__", "chapter", "text"]
    list_filter = ["language", "topic", "value_kind"]
    search_fields = ["text"]
    copy_view_enabled = False


class StandardClauseViewSet(SnippetViewSet):
    model = StandardClause
    icon = "list-ol"
    menu_label = _("Standard clauses")
    list_display = ["__str__", "text", "active"]
    list_filter = ["language", "chapter", "active"]
    search_fields = ["text"]


class ContractWordingGroup(SnippetViewSetGroup):
    items = (WordingTemplateViewSet, StandardClauseViewSet)
    menu_icon = "doc-full-inverse"
    menu_label = _("Contract wording")
    menu_order = 260


register_snippet(ContractWordingGroup)


@hooks.register("register_admin_urls")
def contract_admin_urls():
    return [
        path("contracts/", admin_views.contract_index, name="contracts_admin_index"),
        path(
            "contracts/versions/<int:version_id>/download/",
            admin_views.version_download,
            name="contracts_admin_version",
        ),
    ]


class StaffMenuItem(MenuItem):
    def is_shown(self, request):
        return admin_views.may_use(request.user)


@hooks.register("register_admin_menu_item")
def contract_menu_item():
    return StaffMenuItem(
        _("Collective contracts"),
        reverse("contracts_admin_index"),
        icon_name="doc-full",
        order=255,
    )
