"""When the database cannot be reached: a styled 503 page (JSON for API clients), and the
health endpoints a proxy or orchestrator polls.

A view that fails on the database is answered at once by ``UnavailableMiddleware.process_exception``:
no error page is rendered, because the debug page (and the report mailed to admins) reads the
user, the session and every frame's local querysets, and each of those reads waits again for a
database that is away (one connect timeout each: five of them made a page answer nothing within
ten seconds). An exception raised in another middleware is turned into a 500 by Django before
an outer middleware sees it, so it is noted on the request from the ``got_request_exception``
signal, ``ExceptionReporter`` reports it without reading the database again, and
``UnavailableMiddleware`` (outermost) swaps that 500 for a 503 with ``Retry-After``. The 503
page is rendered without the request: the page chrome must not touch the database (the user,
the session) that just failed."""

from __future__ import annotations

import asyncio
import sys
import uuid

from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.core.signals import got_request_exception
from django.db import connection
from django.db.utils import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.debug import ExceptionReporter as DjangoExceptionReporter

RETRY_AFTER_SECONDS = 5
CHECK_TIMEOUT_SECONDS = 3
API_PREFIXES = ("/api/", "/_allauth/")


def is_unavailable(exc: BaseException | None) -> bool:
    """A database that cannot be reached (refused, lost, restarting) or stays locked."""
    return isinstance(exc, OperationalError | InterfaceError)


def _note_exception(sender, request=None, **kwargs) -> None:
    if request is not None and is_unavailable(sys.exc_info()[1]):
        request.database_unavailable = True


got_request_exception.connect(_note_exception, dispatch_uid="unionhome-database-unavailable")


def unavailable_response(request) -> HttpResponse:
    if request.path.startswith(API_PREFIXES):
        response = JsonResponse(
            {
                "detail": _("The service is briefly unavailable; please try again shortly."),
                "code": "unavailable",
            },
            status=503,
        )
    else:
        language = translation.get_language_from_path(request.path) or translation.get_language()
        with translation.override(language):
            # A page fetched with GET reloads itself; a form post is left for the user to resend.
            retry = RETRY_AFTER_SECONDS if request.method == "GET" else None
            html = render_to_string("503.html", {"retry_after": retry})
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class UnavailableMiddleware:
    """Outermost: a request that failed because the database is away gets a 503, not a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 500 and getattr(request, "database_unavailable", False):
            return unavailable_response(request)
        return response

    def process_exception(self, request, exception):
        # Answer before Django renders an error page, which would read the database again.
        if is_unavailable(exception):
            request.database_unavailable = True
            return unavailable_response(request)
        return None


class ExceptionReporter(DjangoExceptionReporter):
    """Django's reporter (settings.DEFAULT_EXCEPTION_REPORTER), except for a database that is
    away: then a short report that reads nothing, since the full one reads the user, the
    session and the frames' querysets, each waiting on the database again."""

    def _brief(self) -> str | None:
        if not is_unavailable(self.exc_value):
            return None
        return f"Database unavailable: {type(self.exc_value).__name__}: {self.exc_value}"

    def get_traceback_html(self):
        return self._brief() or super().get_traceback_html()

    def get_traceback_text(self):
        return self._brief() or super().get_traceback_text()


# -- health endpoints ---------------------------------------------------------------------


def healthz(request) -> JsonResponse:
    """The process is alive and serving (touches nothing else)."""
    return JsonResponse({"status": "ok"})


def _database_ok() -> None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        # Leave no broken connection behind for the next request of this thread.
        connection.close()
        raise


async def _channel_layer_ok() -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    channel = await layer.new_channel("readyz")
    token = uuid.uuid4().hex
    await layer.send(channel, {"type": "readyz", "token": token})
    message = await layer.receive(channel)
    if message.get("token") != token:
        raise RuntimeError("unexpected message")


async def readyz(request) -> JsonResponse:
    """Ready for traffic: the database answers and the channel layer carries a message.
    503 with the failing checks otherwise, so the proxy stops sending traffic here."""
    checks: dict[str, str] = {}
    failed: list[str] = []
    for name, check in (
        ("database", sync_to_async(_database_ok, thread_sensitive=True)),
        ("channel_layer", _channel_layer_ok),
    ):
        try:
            async with asyncio.timeout(CHECK_TIMEOUT_SECONDS):
                await check()
            checks[name] = "ok"
        except Exception as exc:  # any failure means "not ready"; say which and why
            checks[name] = f"unavailable: {type(exc).__name__}"
            failed.append(name)
    if failed:
        return JsonResponse(
            {
                "status": "unavailable",
                "code": "unavailable",
                "detail": _("Not ready: %(checks)s unreachable.") % {"checks": ", ".join(failed)},
                "checks": checks,
            },
            status=503,
        )
    return JsonResponse({"status": "ok", "checks": checks})
