from django.apps import AppConfig
from django.db.models.signals import post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class MembershipConfig(AppConfig):
    """Unions, members, join codes, transfers. The app label stays "unionhome" (the package's
    former name) so existing tables, permissions and migration history keep their names."""

    name = "unionhome.membership"
    label = "unionhome"
    verbose_name = _("Membership")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Imported in ready(): the handlers use models, loadable only once the registry is.
        from unionhome.membership import signals

        post_save.connect(signals.union_saved, sender=self.get_model("Union"))
        post_migrate.connect(signals.join_codes_backfill, sender=self)
