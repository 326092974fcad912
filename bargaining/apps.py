from django.apps import AppConfig
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
)
FEDERATION_STAFF_PERMISSIONS = UNION_STAFF_PERMISSIONS + (
    "add_minimumwage",
    "change_minimumwage",
    "delete_minimumwage",
)


def grant_staff_permissions(sender=None, **kwargs):
    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Permission

    from unionhome import roles

    # This receiver may run before auth's own for this app: make sure the rows exist.
    create_permissions(
        apps.get_app_config("bargaining"), verbosity=0, using=kwargs.get("using", "default")
    )
    groups = roles.ensure_groups()
    for name, codenames in (
        (roles.UNION_STAFF, UNION_STAFF_PERMISSIONS),
        (roles.FEDERATION_STAFF, FEDERATION_STAFF_PERMISSIONS),
    ):
        groups[name].permissions.add(
            *Permission.objects.filter(content_type__app_label="bargaining", codename__in=codenames)
        )


class BargainingConfig(AppConfig):
    name = "bargaining"
    verbose_name = _("Collective bargaining")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.contrib.auth.signals import user_logged_out

        from bargaining.signals import close_sockets_on_logout

        post_migrate.connect(grant_staff_permissions, sender=self)
        user_logged_out.connect(close_sockets_on_logout, dispatch_uid="bargaining-logout")
