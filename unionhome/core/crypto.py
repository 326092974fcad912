"""Field encryption at rest for personal data (resident ID numbers).

Fernet (AES-128-CBC + HMAC-SHA256) from ``cryptography``. Keys come from the setting
``FIELD_ENCRYPTION_KEYS`` (or the environment variable of the same name): a comma-separated
list of Fernet keys, the first one used to encrypt, all of them tried to decrypt, so a key can be
rotated by putting the new one first. Without it (the embedded default), a key is derived from
SECRET_KEY: fine for a demo, but then changing SECRET_KEY makes the stored numbers unreadable.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import os

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models

FERNET_PREFIX = "gAAAA"


def _configured_keys() -> list[str]:
    keys = getattr(settings, "FIELD_ENCRYPTION_KEYS", None) or os.environ.get(
        "FIELD_ENCRYPTION_KEYS", ""
    )
    if isinstance(keys, str):
        keys = [k.strip() for k in keys.split(",") if k.strip()]
    return list(keys)


def _derived_key(purpose: str) -> bytes:
    digest = hashlib.sha256(f"{purpose}:{settings.SECRET_KEY}".encode()).digest()
    return base64.urlsafe_b64encode(digest)


@functools.cache
def _fernet_for(secret_key: str, keys: tuple[str, ...]) -> MultiFernet:
    material = [k.encode() for k in keys] or [_derived_key("unionhome.field-encryption")]
    return MultiFernet([Fernet(k) for k in material])


def fernet() -> MultiFernet:
    return _fernet_for(settings.SECRET_KEY, tuple(_configured_keys()))


def primary_fernet() -> Fernet:
    """The key new values are encrypted with (the first configured one)."""
    keys = _configured_keys()
    return Fernet(keys[0].encode() if keys else _derived_key("unionhome.field-encryption"))


def encrypt(value: str) -> str:
    if not value:
        return ""
    return fernet().encrypt(value.encode()).decode()


def decrypt(value: str) -> str:
    if not value:
        return ""
    if not value.startswith(FERNET_PREFIX):
        # A row written before encryption was switched on: readable as it is.
        return value
    try:
        return fernet().decrypt(value.encode()).decode()
    except InvalidToken:
        # Never crash a page over one unreadable value; it is shown as unknown.
        return ""


def digest(value: str) -> str:
    """A keyed hash, so equal ID numbers can be found without decrypting every row."""
    if not value:
        return ""
    key = hashlib.sha256(f"unionhome.id-digest:{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


class EncryptedCharField(models.CharField):
    """A CharField stored encrypted. Lookups on it cannot match (the ciphertext is random):
    search by a separate digest field instead."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 255)
        super().__init__(*args, **kwargs)

    def from_db_value(self, value, expression, connection):
        if value is None:
            return value
        return decrypt(value)

    def to_python(self, value):
        if isinstance(value, str) and value.startswith(FERNET_PREFIX):
            return decrypt(value)
        return super().to_python(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        if isinstance(value, str) and value.startswith(FERNET_PREFIX):
            return value
        return encrypt(str(value))
