from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("Union home site")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Imported in ready() for its side effect (receivers that use models, loadable only
        # once the registry is).
        from cms import signals  # noqa: F401
