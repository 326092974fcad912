"""The fields of a membership application, checked and normalised: a pure step (plain values
in, ``ApplicationData`` out, 422 ``DomainError`` on bad input) that ``membership_apply`` runs
before it writes anything."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from unionhome.accounts.phones import normalize_mainland_mobile
from unionhome.core.errors import DomainError
from unionhome.core.idcard import id_number_problem, normalize_id_number
from unionhome.membership.models import WorkerType

ERROR_INVALID_ID = "invalid_id_number"
ERROR_CONSENT = "consent_required"
ERROR_WORKER_TYPE = "invalid_worker_type"
ERROR_REQUIRED = "required"


def _id_problem_message(problem: str) -> str:
    messages = {
        "length": _("A resident ID number has 18 characters."),
        "characters": _("A resident ID number has 17 digits and a final digit or X."),
        "province": _("The first two digits are not a mainland province code."),
        "birth_date": _("The birth date in the ID number is not a real date."),
        "checksum": _("The check digit does not match: please check the number."),
    }
    return messages.get(problem, _("Enter a valid resident ID number."))


@dataclass(frozen=True)
class ApplicationData:
    full_name: str
    phone: str
    id_number: str
    worker_type: str
    occupation: str
    platform: str
    city: str


def application_clean(
    *,
    full_name: str,
    phone: str,
    id_number: str,
    worker_type: str,
    occupation: str = "",
    platform: str = "",
    city: str = "",
    consent: bool,
) -> ApplicationData:
    """Validate and normalise the fields of an application (raises 422 DomainError)."""
    full_name = (full_name or "").strip()
    if not full_name:
        raise DomainError(ERROR_REQUIRED, _("Enter your full name."), field="full_name")
    phone_e164 = normalize_mainland_mobile(phone)
    id_number = normalize_id_number(id_number)
    problem = id_number_problem(id_number)
    if problem:
        raise DomainError(ERROR_INVALID_ID, _id_problem_message(problem), field="id_number")
    if worker_type not in WorkerType.values:
        raise DomainError(ERROR_WORKER_TYPE, _("Choose a worker type."), field="worker_type")
    if consent is not True:
        raise DomainError(
            ERROR_CONSENT,
            _("Please agree to the processing of your personal information to apply."),
            field="consent",
        )
    return ApplicationData(
        full_name=full_name[:100],
        phone=phone_e164,
        id_number=id_number,
        worker_type=worker_type,
        occupation=(occupation or "").strip()[:100],
        platform=(platform or "").strip()[:100],
        city=(city or "").strip()[:100],
    )
