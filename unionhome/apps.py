from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UnionhomeConfig(AppConfig):
    name = "unionhome"
    verbose_name = _("Union e-Home")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_migrate

        from unionhome import checks, roles  # noqa: F401 - registers the system checks

        post_migrate.connect(roles.ensure_groups_after_migrate, sender=self)
