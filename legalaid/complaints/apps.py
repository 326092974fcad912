from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def grant_complaint_permissions(sender, **kwargs):
    """Staff read complaints in the Wagtail admin; every change goes through the desk pages."""
    # Imported when run (after migrate): roles imports auth models, which cannot load with
    # this module (it is imported before the app registry is ready).
    from unionhome.core import roles

    codenames = ["view_complaint"]
    grants = {roles.FEDERATION_STAFF: codenames, roles.UNION_STAFF: codenames}
    roles.grant_group_permissions(sender, grants, using=kwargs.get("using", "default"))


class ComplaintsConfig(AppConfig):
    name = "legalaid.complaints"
    label = "complaints"
    verbose_name = _("Complaints")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        post_migrate.connect(grant_complaint_permissions, sender=self)
