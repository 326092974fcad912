"""Signed tokens: the join token in a union's QR code and the token on a membership card.

Pure signing with Django's signing framework; whether a join code still exists, is active,
has the signed version (not rotated) or has expired is checked against the database in
``selectors.join_code_from_token``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core import signing

JOIN_SALT = "unionhome.join"
CARD_SALT = "unionhome.card"


class BadToken(Exception):
    """The token was not made by this site (forged, tampered with or truncated)."""


@dataclass(frozen=True)
class JoinTokenData:
    code_id: int
    version: int


def make_join_token(code_id: int, version: int) -> str:
    # Short on purpose: a shorter URL makes a less dense, easier to scan QR code.
    return signing.Signer(salt=JOIN_SALT).sign(f"{code_id}.{version}")


def read_join_token(token: str) -> JoinTokenData:
    try:
        value = signing.Signer(salt=JOIN_SALT).unsign((token or "").strip())
    except signing.BadSignature as exc:
        raise BadToken(str(exc)) from exc
    code_id, _, version = value.partition(".")
    if not (code_id.isdigit() and version.isdigit()):
        raise BadToken("malformed")
    return JoinTokenData(int(code_id), int(version))


def make_card_token(membership_id: int, member_no: str) -> str:
    return signing.Signer(salt=CARD_SALT).sign(f"{membership_id}.{member_no}")


def read_card_token(token: str) -> tuple[int, str]:
    try:
        value = signing.Signer(salt=CARD_SALT).unsign((token or "").strip())
    except signing.BadSignature as exc:
        raise BadToken(str(exc)) from exc
    membership_id, _, member_no = value.partition(".")
    if not membership_id.isdigit():
        raise BadToken("malformed")
    return int(membership_id), member_no
