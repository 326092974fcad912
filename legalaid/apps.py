from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LegalaidConfig(AppConfig):
    name = "legalaid"
    verbose_name = _("Legal aid")
    default_auto_field = "django.db.models.BigAutoField"
