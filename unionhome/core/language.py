"""The language switcher: Chinese lives at /, every other language under /<code>/."""

from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.http import HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST


def localized_path(url: str, language: str, *, default: str, languages: list[str]) -> str:
    """Rewrite ``url`` for ``language``: drop any language prefix, add the new one unless it
    is the default (i18n_patterns with prefix_default_language=False)."""
    parts = urlsplit(url or "/")
    path = parts.path or "/"
    for code in languages:
        prefix = f"/{code}"
        if path == prefix or path.startswith(prefix + "/"):
            path = path[len(prefix) :] or "/"
            break
    if language != default:
        path = f"/{language}{path}"
    return urlunsplit(("", "", path, parts.query, parts.fragment))


@require_POST
def switch_language(request):
    codes = [code for code, _name in settings.LANGUAGES]
    language = request.POST.get("language")
    if language not in codes:
        language = settings.LANGUAGE_CODE
    next_url = request.POST.get("next") or request.headers.get("Referer") or "/"
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    target = localized_path(next_url, language, default=settings.LANGUAGE_CODE, languages=codes)
    response = HttpResponseRedirect(target)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response
