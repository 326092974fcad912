from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def grant_consultation_permissions(sender, **kwargs):
    """Staff link company accounts in the Wagtail admin and read consultations there."""
    # Imported when run (after migrate): roles imports auth models, which cannot load with
    # this module (it is imported before the app registry is ready).
    from unionhome.core import roles

    codenames = roles.crud_codenames("companyaccount") + ["view_consultation"]
    grants = {roles.FEDERATION_STAFF: codenames, roles.UNION_STAFF: codenames}
    roles.grant_group_permissions(sender, grants, using=kwargs.get("using", "default"))


class ConsultationsConfig(AppConfig):
    name = "bargaining.consultations"
    label = "consultations"
    verbose_name = _("Consultations on platform rules")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        post_migrate.connect(grant_consultation_permissions, sender=self)
