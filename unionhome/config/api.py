"""The JSON API (/api/v1/). Each app contributes a router; this module only assembles them,
sets authentication (browser session or allauth's X-Session-Token) and maps domain errors."""

from allauth.headless.contrib.ninja.security import XSessionTokenAuth
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import SessionAuth

from bargaining.api import router as bargaining_router
from bargaining.consultations.api import router as consultations_router
from bargaining.contracts.api import router as contracts_router
from legalaid.api import router as legalaid_router
from legalaid.complaints.api import router as complaints_router
from legalaid.counselling_api import router as counselling_router
from unionhome.ballots.api import router as ballots_router
from unionhome.care.api import router as care_router
from unionhome.core import roles
from unionhome.core.errors import DomainError, NotAllowed
from unionhome.membership.api import router as membership_router


def _refuse_without_mfa(user) -> None:
    """MFA_REQUIRED_FOR_STAFF holds here, where the API learns who the user is: a middleware
    sees an anonymous user on X-Session-Token requests, so it cannot enforce it for apps."""
    if roles.mfa_missing(user):
        raise NotAllowed(_("Set up two-factor authentication first."), code="mfa_required")


class SessionTokenAuth(XSessionTokenAuth):
    # OpenAPI requires an apiKey scheme to say where the key goes; without these every
    # operation of the schema is invalid for clients and generators.
    openapi_in = "header"
    openapi_name = "X-Session-Token"

    def __call__(self, request):
        if not self.get_session_token(request):
            return None
        user = super().__call__(request)
        if not user:
            # A token that no longer works says so; falling through to the cookie check
            # would answer a POST with a CSRF 403 the app cannot act on.
            raise DomainError(
                "session_expired",
                _("Your session has ended. Log in again."),
                status=401,
            )
        _refuse_without_mfa(user)
        return user


class BrowserSessionAuth(SessionAuth):
    """The browser session cookie (CSRF is checked for unsafe methods)."""

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user:
            _refuse_without_mfa(user)
        return user


api = NinjaAPI(
    title="Union e-Home API",
    version="1",
    urls_namespace="api-v1",
    auth=[SessionTokenAuth(), BrowserSessionAuth()],
    docs_url="/docs",
    openapi_url="/openapi.json",
)


@api.exception_handler(DomainError)
def domain_error(request, exc: DomainError):
    body = {**exc.extra, "detail": exc.detail, "code": exc.code}
    if exc.field:
        body["field"] = exc.field
    return api.create_response(request, body, status=exc.status)


@api.exception_handler(AuthenticationError)
def auth_error(request, exc):
    return api.create_response(
        request, {"detail": _("Authentication required."), "code": "not_authenticated"}, status=401
    )


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(
        request, {"detail": _("Not found."), "code": "not_found"}, status=404
    )


@api.exception_handler(NinjaValidationError)
def validation_error(request, exc: NinjaValidationError):
    errors = exc.errors
    first = errors[0] if errors else {}
    loc = ".".join(str(part) for part in first.get("loc", []) if part not in ("body", "payload"))
    message = first.get("msg", _("Invalid input."))
    detail = f"{loc}: {message}" if loc else message
    return api.create_response(
        request, {"detail": detail, "code": "invalid", "errors": errors}, status=422
    )


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    if exc.status_code == 400 and str(exc.message).startswith("Cannot parse request body"):
        # Ninja reports a malformed JSON body as 400; the client contract says 422.
        return api.create_response(
            request,
            {"detail": _("The request body is not valid JSON."), "code": "malformed_json"},
            status=422,
        )
    return api.create_response(request, {"detail": str(exc.message)}, status=exc.status_code)


@api.get("/health", auth=None, tags=["system"])
def health(request):
    return {"status": "ok"}


def _mount_routers():

    api.add_router("/", membership_router)
    api.add_router("/ballots", ballots_router)
    api.add_router("/bargaining", bargaining_router)
    api.add_router("/bargaining", contracts_router)
    api.add_router("/legalaid", legalaid_router)
    api.add_router("/care", care_router)
    api.add_router("/counselling", counselling_router)
    api.add_router("/complaints", complaints_router)
    api.add_router("/consultations", consultations_router)


_mount_routers()
