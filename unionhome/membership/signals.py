"""A union has its main join code from the moment it exists, so pages that show the code
(union page, poster, QR API) only read it."""

from unionhome.membership import services
from unionhome.membership.models import Union


def union_saved(sender, instance: Union, created: bool, raw: bool = False, **kwargs):
    if created and not raw:
        services.join_code_ensure_default(union=instance)


def join_codes_backfill(sender=None, **kwargs):
    """After migrating: unions made before this rule (or by a data load) get their code."""
    services.join_codes_ensure_all()
