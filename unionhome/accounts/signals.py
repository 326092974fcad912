"""Account signals other apps listen to (so accounts need not know who holds live sockets)."""

from django.dispatch import Signal

# Sent with ``user_ids`` whenever sessions of those users end other than by logout (which
# Django signals itself): sessions ended from the account page, a password change, a
# deactivated account. Whatever holds a connection for them must drop it.
sessions_ended = Signal()


def remember_credential_change(sender, instance, update_fields=None, **kwargs) -> None:
    """A changed password hash or a deactivation ends every session of the user (Django
    checks the hash on each request); note it so post_save can tell the listeners."""
    instance._sessions_end = False
    if instance.pk is None:
        return
    if update_fields is not None and not {"password", "is_active"} & set(update_fields):
        return
    old = sender.objects.filter(pk=instance.pk).values("password", "is_active").first()
    if old and (
        old["password"] != instance.password or (old["is_active"] and not instance.is_active)
    ):
        instance._sessions_end = True


def announce_credential_change(sender, instance, **kwargs) -> None:
    if getattr(instance, "_sessions_end", False):
        instance._sessions_end = False
        sessions_ended.send(sender=sender, user_ids=[instance.pk])
