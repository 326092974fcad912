"""Whole public pages for anonymous visitors, served from Django's cache (Redis when
REDIS_URL is set, so every Daphne process shares it).

Rallies and QR posters send thousands of phones to the same few pages at once; rendering
each one (Wagtail's routing, the templates, the middleware stack) costs 5-7x a static
response. This middleware sits near the top of the stack: a hit is answered before sessions,
locale, CSRF, authentication and Wagtail run.

What is stored: a 200 answer to a GET that ``cms.models._patch_page_cache_headers`` marked
``public`` — a Wagtail page, for an anonymous visitor, that used no CSRF token (no form) and
set no cookie. Everything else (logged-in users, forms, previews, other views, errors) is
never stored.

What is served: only to requests without a session or messages cookie (a logged-in visitor,
or one with a pending message, always gets a freshly rendered page).

Keys: scheme, host, path and query, the page's language (from the path: Chinese at ``/``,
English under ``/en/``) and the site-wide content version, which moves on publish,
unpublish, move and any page save (cms.signals): a change purges every cached page at once.
"""

from __future__ import annotations

import contextlib
import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import translation
from django.utils.cache import cc_delim_re

from cms.selectors import content_version

MAX_QUERY_LENGTH = 200
# A hit repeats every header of the stored answer (X-Frame-Options, Content-Language, ...)
# except these; the outer middlewares (security, WhiteNoise) add theirs again.
NOT_STORED = frozenset({"set-cookie", "content-length", "x-page-cache", "date"})


def _bypass_cookies() -> tuple[str, ...]:
    return (settings.SESSION_COOKIE_NAME, getattr(settings, "MESSAGES_COOKIE_NAME", "messages"))


def _key(request, version: int) -> str | None:
    if request.method != "GET":
        return None
    cookies = request.COOKIES
    if any(name in cookies for name in _bypass_cookies()):
        return None
    if "HTTP_X_SESSION_TOKEN" in request.META or "HTTP_AUTHORIZATION" in request.META:
        return None
    query = request.META.get("QUERY_STRING", "")
    if len(query) > MAX_QUERY_LENGTH:
        return None
    language = translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
    raw = f"{request.scheme}|{request.get_host()}|{request.path}|{query}|{language}"
    digest = hashlib.sha256(raw.encode()).hexdigest()[:32]
    return f"pagecache:{version}:{language}:{digest}"


def _storable(response) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    directives = {
        d.strip().lower() for d in cc_delim_re.split(response.get("Cache-Control", "")) if d
    }
    return "public" in directives and "private" not in directives


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        seconds = getattr(settings, "PAGE_CACHE_SECONDS", 0)
        key = None
        if seconds:
            try:
                key = _key(request, content_version())
            except Exception:  # a cache outage must not take the site down
                key = None
        if key is not None:
            try:
                stored = cache.get(key)
            except Exception:
                stored = None
            if stored is not None:
                return self._hit(stored)
        response = self.get_response(request)
        if key is not None and _storable(response):
            headers = {h: v for h, v in response.headers.items() if h.lower() not in NOT_STORED}
            with contextlib.suppress(Exception):  # a cache outage must not fail the page
                cache.set(key, (response.content, headers), seconds)
            response["X-Page-Cache"] = "miss"
        return response

    @staticmethod
    def _hit(stored) -> HttpResponse:
        content, headers = stored
        response = HttpResponse(content)
        for name, value in headers.items():
            response[name] = value
        response["X-Page-Cache"] = "hit"
        return response
