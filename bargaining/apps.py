from django.apps import AppConfig, apps
from django.contrib.auth.signals import user_logged_out
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

# What staff may do in the admin (querysets are scoped to the unions they run). Cases are
# never deleted there: their event log is the record of the talks.
UNION_STAFF_PERMISSIONS = (
    "add_case",
    "change_case",
    "view_case",
    "add_agendaitem",
    "change_agendaitem",
    "view_agendaitem",
    "view_minimumwage",
    "view_holidayoverride",
)
FEDERATION_STAFF_PERMISSIONS = UNION_STAFF_PERMISSIONS + (
    "add_minimumwage",
    "change_minimumwage",
    "delete_minimumwage",
    "add_holidayoverride",
    "change_holidayoverride",
    "delete_holidayoverride",
)


def grant_staff_permissions(sender=None, **kwargs):
    # Imported when run (after migrate): roles imports auth models, which cannot load with
    # this module (it is imported before the app registry is ready).
    from unionhome.core import roles

    sender = sender or apps.get_app_config("bargaining")
    grants = {
        roles.UNION_STAFF: UNION_STAFF_PERMISSIONS,
        roles.FEDERATION_STAFF: FEDERATION_STAFF_PERMISSIONS,
    }
    roles.grant_group_permissions(sender, grants, using=kwargs.get("using", "default"))


class BargainingConfig(AppConfig):
    name = "bargaining"
    verbose_name = _("Collective bargaining")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Imported in ready(): the handlers use models, loadable only once the registry is.
        from bargaining.signals import close_sockets_on_logout, close_sockets_on_sessions_ended
        from unionhome.accounts.signals import sessions_ended

        post_migrate.connect(grant_staff_permissions, sender=self)
        user_logged_out.connect(close_sockets_on_logout, dispatch_uid="bargaining-logout")
        sessions_ended.connect(close_sockets_on_sessions_ended, dispatch_uid="bargaining-ended")
