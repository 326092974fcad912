"""Mainland mobile numbers: parse, validate and normalise to E.164 (+86...)."""

import phonenumbers
from django.utils.translation import gettext as _

from unionhome.core.errors import DomainError

ERROR_INVALID_PHONE = "invalid_phone"


def normalize_mainland_mobile(value: str) -> str:
    """Return the number as +86XXXXXXXXXXX, accepting plain 11-digit numbers; raise if invalid."""
    raw = (value or "").strip().replace(" ", "").replace("-", "")
    try:
        parsed = phonenumbers.parse(raw, "CN")
    except phonenumbers.NumberParseException as exc:
        raise DomainError(
            ERROR_INVALID_PHONE, _("Enter a valid mainland mobile number."), field="phone"
        ) from exc
    if (
        parsed.country_code != 86
        or not phonenumbers.is_valid_number(parsed)
        or phonenumbers.number_type(parsed) != phonenumbers.PhoneNumberType.MOBILE
    ):
        raise DomainError(
            ERROR_INVALID_PHONE, _("Enter a valid mainland mobile number."), field="phone"
        )
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def local_digits(e164: str) -> str:
    """+8613800138000 -> 13800138000."""
    return e164[3:] if e164.startswith("+86") else e164


def masked(e164: str) -> str:
    """+8613912345678 -> 139****5678, for screens that confirm where a code went."""
    digits = local_digits(e164)
    return f"{digits[:3]}****{digits[-4:]}"
