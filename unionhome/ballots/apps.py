from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

# What staff may do with ballots in the admin (the querysets are scoped to their unions).
STAFF_PERMISSIONS = (
    "add_ballot",
    "change_ballot",
    "delete_ballot",
    "view_ballot",
    "add_congressrepresentative",
    "change_congressrepresentative",
    "delete_congressrepresentative",
    "view_congressrepresentative",
)


def grant_staff_permissions(sender, **kwargs):
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Permission

    from unionhome import roles

    # This receiver may run before auth's own for this app: make sure the rows exist.
    create_permissions(sender, verbosity=0, using=kwargs.get("using", "default"))
    groups = roles.ensure_groups()
    permissions = list(
        Permission.objects.filter(content_type__app_label="ballots", codename__in=STAFF_PERMISSIONS)
    )
    for name in (roles.FEDERATION_STAFF, roles.UNION_STAFF):
        groups[name].permissions.add(*permissions)


class BallotsConfig(AppConfig):
    name = "unionhome.ballots"
    label = "ballots"
    verbose_name = _("Ballots")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        post_migrate.connect(grant_staff_permissions, sender=self)
