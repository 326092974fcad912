"""Pluggable SMS delivery. The default writes to the log; production plugs a provider in
through the SMS_SENDER setting (a dotted path to a callable taking phone and message)."""

import logging

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("unionhome.sms")

# Kept in memory so tests and the demo can read what would have been sent.
outbox: list[tuple[str, str]] = []


def console_sender(phone: str, message: str) -> None:
    outbox.append((phone, message))
    del outbox[:-200]
    logger.info("SMS to %s: %s", phone, message)


def send_sms(phone: str, message: str) -> None:
    """Send one text message through the configured sender."""
    sender = import_string(settings.SMS_SENDER)
    sender(phone, message)
