"""Sign in or sign up in one step with a mobile number and an SMS 验证码, as the join screen
asks: the worker types the number, gets a code, types it, and is in. No password is set (one
can be added later on the account page).

The pieces are allauth's: its code format and comparison, its adapter (which sends through
``unionhome.core.sms``, finds the account of a number and records the number), and the
caller then logs the user in through allauth's login flow, so its stages (MFA) still apply.

State lives in a plain dict the caller keeps (the session): the number, the code, when it was
sent and the wrong attempts so far.
"""

from __future__ import annotations

import math

from allauth.account import app_settings as allauth_settings
from allauth.account.adapter import get_adapter
from allauth.core.internal.cryptokit import compare_user_code, generate_user_code
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.utils.translation import gettext as _

from unionhome.accounts.phones import normalize_mainland_mobile
from unionhome.core.errors import DomainError

# One code per number per minute, on every screen that texts one. The countdowns read this
# constant (allauth's "verify_phone" rate limit in settings uses the same minute), so the
# button and the server agree.
RESEND_SECONDS = settings.SMS_RESEND_SECONDS
# A code is good for as long as allauth's own sign-in codes.
CODE_TTL_SECONDS = allauth_settings.LOGIN_BY_CODE_TIMEOUT
MAX_ATTEMPTS = 5

ERROR_TOO_SOON = "code_too_soon"
ERROR_NO_CODE = "code_expired"
ERROR_WRONG_CODE = "incorrect_code"
ERROR_TOO_MANY = "too_many_attempts"


def _cache_key(phone: str) -> str:
    return f"sms-code-sent:{phone}"


def claim_send(*, phone: str, now: float) -> None:
    """Take the one send a number is allowed per minute, on every screen that texts a code
    (the join screen, allauth's sign-in by code and phone verification). Raises DomainError
    (429) when a code went to ``phone`` less than a minute ago, with ``extra["wait"]`` the
    seconds left."""
    phone = normalize_mainland_mobile(phone)
    # cache.add is atomic: of two requests at once, only one sends.
    if not cache.add(_cache_key(phone), now, timeout=RESEND_SECONDS):
        wait = max(1, seconds_until_resend_to(phone=phone, now=now))
        raise DomainError(
            ERROR_TOO_SOON,
            _("A verification code was just sent. You can ask for a new one in %(seconds)s s.")
            % {"seconds": wait},
            status=429,
            field="phone",
            extra={"wait": wait},
        )


def record_sent(*, phone: str, now: float) -> None:
    """Start the minute for ``phone`` after a code went out without ``claim_send`` (allauth's
    first code of a sign-in or sign-up), so its resend button and the server agree."""
    cache.set(_cache_key(normalize_mainland_mobile(phone)), now, timeout=RESEND_SECONDS)


def seconds_until_resend_to(*, phone: str, now: float) -> int:
    """Seconds until another code may go to ``phone`` (0: now)."""
    sent_at = cache.get(_cache_key(normalize_mainland_mobile(phone)))
    if sent_at is None:
        return 0
    return max(0, math.ceil(RESEND_SECONDS - (now - sent_at)))


def send_code(*, phone: str, state: dict, now: float) -> int:
    """Text a new code to ``phone`` unless one went to that number less than a minute ago.
    Returns the seconds until another may be sent; raises DomainError (429) when too soon,
    with ``extra["wait"]`` the seconds left."""
    phone = normalize_mainland_mobile(phone)
    claim_send(phone=phone, now=now)
    code = generate_user_code(**allauth_settings.PHONE_VERIFICATION_CODE_FORMAT)
    state.clear()
    state.update(phone=phone, code=code, sent_at=now, attempts=0)
    adapter = get_adapter()
    adapter.send_verification_code_sms(
        user=adapter.get_user_by_phone(phone), phone=phone, code=code
    )
    return RESEND_SECONDS


def seconds_until_resend(*, state: dict, now: float) -> int:
    """Seconds the screen should still count down for the code in ``state`` (0: none)."""
    sent_at = state.get("sent_at")
    if sent_at is None:
        return 0
    return max(0, math.ceil(RESEND_SECONDS - (now - sent_at)))


def confirm_code(*, phone: str, code: str, state: dict, now: float):
    """Check the code sent to ``phone``; return the account of that number, created (with a
    verified number and no password) if it had none. Raises DomainError on the ``code``
    field when there is no valid code, it is wrong, or too many wrong ones were tried."""
    phone = normalize_mainland_mobile(phone)
    if (
        state.get("phone") != phone
        or not state.get("code")
        or now - state.get("sent_at", 0) > CODE_TTL_SECONDS
    ):
        raise DomainError(
            ERROR_NO_CODE,
            _("There is no valid verification code for this number. Ask for a new one."),
            field="code",
        )
    if state.get("attempts", 0) >= MAX_ATTEMPTS:
        raise DomainError(
            ERROR_TOO_MANY,
            _("Too many wrong verification codes. Ask for a new one."),
            field="code",
        )
    if not compare_user_code(actual=code or "", expected=state["code"]):
        state["attempts"] = state.get("attempts", 0) + 1
        raise DomainError(ERROR_WRONG_CODE, _("Incorrect verification code."), field="code")
    state.clear()
    return _account_for(phone)


@transaction.atomic
def _account_for(phone: str):
    adapter = get_adapter()
    user = adapter.get_user_by_phone(phone)
    if user is None:
        user = get_user_model()(
            username=adapter.generate_unique_username(["m" + phone[-4:], "member"])
        )
        user.set_unusable_password()
        user.save()
        adapter.set_phone(user, phone, True)
    else:
        # Receiving the code proves the number, as allauth's login by code does.
        adapter.set_phone_verified(user, phone)
    return user
