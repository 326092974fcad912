from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

# What staff may do with care objects in the admin (rows are scoped to their unions there).
# The tables every union shares: federation staff change them, union staff read them
# (enforced by care/permissions.py whatever a group holds).
SHARED_TABLE_PERMISSIONS = (
    "add_hardshiplevel",
    "change_hardshiplevel",
    "add_subsistenceline",
    "change_subsistenceline",
)
STAFF_PERMISSIONS = (
    "view_hardshiplevel",
    "view_subsistenceline",
    "view_hardshipfile",
    "add_warmthcampaign",
    "change_warmthcampaign",
    "view_warmthcampaign",
    # Scoped to the staff member's unions in the admin (care/wagtail_hooks.py).
    "add_campaignstation",
    "change_campaignstation",
    "view_campaignstation",
    "add_activity",
    "change_activity",
    "view_activity",
)


def grant_staff_permissions(sender, **kwargs):
    # Imported when run (after migrate): roles imports auth models, which cannot load with
    # this module (it is imported before the app registry is ready).
    from unionhome.core import roles

    grants = {
        roles.FEDERATION_STAFF: STAFF_PERMISSIONS + SHARED_TABLE_PERMISSIONS,
        roles.UNION_STAFF: STAFF_PERMISSIONS,
    }
    roles.grant_group_permissions(sender, grants, using=kwargs.get("using", "default"))


class CareConfig(AppConfig):
    name = "unionhome.care"
    label = "care"
    verbose_name = _("Care")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        post_migrate.connect(grant_staff_permissions, sender=self)
        from unionhome.care import permissions

        permissions.register()
