"""Pluggable SMS delivery. The default writes to the log; production plugs a provider in
through the SMS_SENDER setting (a dotted path to a callable taking phone and message)."""

import hashlib
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from unionhome.core.errors import DomainError

logger = logging.getLogger("unionhome.core.sms")

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


class SmsRateLimited(DomainError):
    def __init__(self):
        super().__init__(
            "sms_rate_limited",
            _("Too many text messages were requested. Please wait and try again later."),
            status=429,
        )


# How many texts one phone number may be sent, and one client address may ask for, per
# window (seconds). allauth's own limits (a code per 30 s per number) stop bursts; these stop a
# slow drip at one victim's phone, and one client texting many numbers.
DEFAULT_SMS_RATE_LIMITS = {"phone": (5, 3600), "address": (20, 3600)}


def _limits() -> dict:
    return {**DEFAULT_SMS_RATE_LIMITS, **getattr(settings, "SMS_RATE_LIMITS", {})}


def sms_quota_take(*, phone: str, address: str | None) -> None:
    """Count one text to ``phone`` asked for by ``address``; SmsRateLimited (429) when either
    is over its limit. Called before every text a client can trigger."""
    now = int(time.time())
    keys = []
    for kind, value in (("phone", phone), ("address", address)):
        if not value:
            continue
        limit, window = _limits()[kind]
        digest = hashlib.sha256(str(value).encode()).hexdigest()[:32]
        keys.append((f"sms-quota:{kind}:{digest}:{now // window}", limit, window))
    for key, limit, _window in keys:
        if (cache.get(key) or 0) >= limit:
            raise SmsRateLimited()
    for key, _limit, window in keys:
        cache.add(key, 0, window)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, window)
