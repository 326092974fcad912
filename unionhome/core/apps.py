from django.apps import AppConfig
from django.conf import settings
from django.db.models.signals import post_migrate, post_save, pre_save
from django.utils.translation import gettext_lazy as _
from django_tasks.signals import task_enqueued


class CoreConfig(AppConfig):
    """The shared kernel: errors, roles, SMS, crypto, ID numbers, the site chrome and the
    project-wide commands (seed_demo, run_scheduler). It owns no tables."""

    name = "unionhome.core"
    label = "core"
    verbose_name = _("Union e-Home")

    def ready(self):
        # Imported in ready(): these modules use models, loadable only once the registry is;
        # checks is imported for its side effect (it registers the deployment system checks).
        from unionhome.accounts import signals as account_signals
        from unionhome.core import (
            checks,  # noqa: F401
            roles,
            worker,
        )

        # Core owns no models, so Django sends it no post_migrate; the role groups are set up
        # after the membership app (label "unionhome") migrates, as before the split.
        post_migrate.connect(
            roles.ensure_groups_after_migrate, sender=self.apps.get_app_config("unionhome")
        )
        # Wagtail's admin views import models: only once the apps are ready.
        from unionhome.core.spreadsheet import install_csv_neutraliser

        install_csv_neutraliser()
        # A password or activation change ends the user's sessions; listeners (the bargaining
        # sockets) are told after the save.
        pre_save.connect(
            account_signals.remember_credential_change,
            sender=settings.AUTH_USER_MODEL,
            dispatch_uid="accounts-credentials-pre",
        )
        post_save.connect(
            account_signals.announce_credential_change,
            sender=settings.AUTH_USER_MODEL,
            dispatch_uid="accounts-credentials-post",
        )
        # A task enqueued on this machine wakes the idle workers at once (after commit).
        task_enqueued.connect(worker.on_task_enqueued, dispatch_uid="unionhome-wake-workers")
