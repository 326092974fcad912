from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def grant_wording_permissions(sender, **kwargs):
    """Staff edit the contract wording in the Wagtail admin (model permissions)."""
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission

    from unionhome import roles

    # This receiver may run before auth's own one for this app: make sure the rows exist.
    create_permissions(sender, verbosity=0, using=kwargs.get("using", "default"))

    codenames = [
        f"{action}_{model}"
        for model in ("wordingtemplate", "standardclause")
        for action in ("add", "change", "delete", "view")
    ]
    permissions = Permission.objects.filter(
        content_type__app_label="contracts", codename__in=codenames
    )
    for name in (roles.FEDERATION_STAFF, roles.UNION_STAFF):
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.add(*permissions)


class ContractsConfig(AppConfig):
    name = "bargaining.contracts"
    label = "contracts"
    verbose_name = _("Collective contracts")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        post_migrate.connect(grant_wording_permissions, sender=self)
