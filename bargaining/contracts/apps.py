from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def grant_wording_permissions(sender, **kwargs):
    """Staff edit the contract wording in the Wagtail admin (model permissions)."""
    # Imported when run (after migrate): roles imports auth models, which cannot load with
    # this module (it is imported before the app registry is ready).
    from unionhome.core import roles

    codenames = roles.crud_codenames("wordingtemplate") + roles.crud_codenames("standardclause")
    grants = {roles.FEDERATION_STAFF: codenames, roles.UNION_STAFF: codenames}
    roles.grant_group_permissions(sender, grants, using=kwargs.get("using", "default"))


class ContractsConfig(AppConfig):
    name = "bargaining.contracts"
    label = "contracts"
    verbose_name = _("Collective contracts")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        post_migrate.connect(grant_wording_permissions, sender=self)
