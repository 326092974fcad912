"""Error pages a person can read: styled, in the language of the page asked for, carrying the
real reason when a service gave one (a DomainError behind the 403/404), and a 409 page for a
DomainError that reaches an HTML view uncaught."""

from __future__ import annotations

from django.shortcuts import render
from django.utils.translation import gettext_lazy

from unionhome.core.errors import DomainError

TITLES = {
    403: gettext_lazy("You may not open this page"),
    404: gettext_lazy("Page not found"),
    409: gettext_lazy("This cannot be done now"),
}


def _reason(exception) -> str:
    """The service's own message, if the error came from one; Django's and Wagtail's texts
    ("No Ballot matches the given query.") are for developers and stay hidden."""
    if isinstance(exception, DomainError):
        return exception.detail
    cause = getattr(exception, "__cause__", None)
    if isinstance(cause, DomainError):
        return cause.detail
    return ""


def error_page(request, status: int, exception=None):
    context = {
        "status": status,
        "title": TITLES[status],
        "reason": _reason(exception),
        "path": request.path,
    }
    return render(request, "error.html", context, status=status)


def handler403(request, exception=None):
    return error_page(request, 403, exception)


def handler404(request, exception=None):
    return error_page(request, 404, exception)


class DomainErrorPageMiddleware:
    """A DomainError no page view caught becomes a readable page with its status (409 for a
    conflict), instead of a server error. The JSON API answers its own errors before this."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DomainError) or request.path.startswith(
            ("/api/", "/_allauth/")
        ):
            return None
        status = exception.status if exception.status in TITLES else 409
        return error_page(request, status, exception)
