from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from cms.models import RestStation


class RestStationViewSet(SnippetViewSet):
    model = RestStation
    icon = "site"
    menu_label = _("Rest stations")
    menu_order = 300
    add_to_admin_menu = True
    list_display = ["name", "district", "address", "opening_hours"]
    list_filter = ["district", "locale"]
    search_fields = ["name", "address", "district"]


register_snippet(RestStationViewSet)
