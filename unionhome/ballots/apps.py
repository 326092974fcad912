from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BallotsConfig(AppConfig):
    name = "unionhome.ballots"
    label = "ballots"
    verbose_name = _("Ballots")
    default_auto_field = "django.db.models.BigAutoField"
