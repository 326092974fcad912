from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class LegalaidConfig(AppConfig):
    name = "legalaid"
    verbose_name = _("Legal aid")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Imported in ready(): the handlers use models, loadable only once the registry is.
        from legalaid import signals

        post_migrate.connect(signals.grant_permissions, sender=self)
        for model_name in ("AvailabilityWindow", "AvailabilityException", "Volunteer"):
            model = self.get_model(model_name)
            post_save.connect(signals.availability_changed, sender=model)
            post_delete.connect(signals.availability_changed, sender=model)
