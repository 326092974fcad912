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
    "add_voterroster",
    "change_voterroster",
    "delete_voterroster",
    "view_voterroster",
)


def grant_staff_permissions(sender, **kwargs):
    # Imported when run (after migrate): roles imports auth models, which cannot load with
    # this module (it is imported before the app registry is ready).
    from unionhome.core import roles

    grants = {roles.FEDERATION_STAFF: STAFF_PERMISSIONS, roles.UNION_STAFF: STAFF_PERMISSIONS}
    roles.grant_group_permissions(sender, grants, using=kwargs.get("using", "default"))


class BallotsConfig(AppConfig):
    name = "unionhome.ballots"
    label = "ballots"
    verbose_name = _("Ballots")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        post_migrate.connect(grant_staff_permissions, sender=self)
