"""Keep cached fragments fresh: any change to published content moves the content version."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished, post_page_move

from cms.selectors import content_version_bump


@receiver(page_published)
@receiver(page_unpublished)
@receiver(post_page_move)
def _page_changed(sender, **kwargs):
    content_version_bump()


@receiver(post_save, sender="legalaid.Station")
@receiver(post_delete, sender="legalaid.Station")
def _station_changed(sender, **kwargs):
    content_version_bump()


@receiver(post_save)
@receiver(post_delete)
def _any_page_saved(sender, instance=None, **kwargs):
    # Renames, moves and deletions change other pages' links and lists, not only their own.
    if isinstance(instance, Page):
        content_version_bump()
