from django import template
from django.conf import settings
from django.utils.translation import get_language_info

from cms import selectors

register = template.Library()

# hreflang / og:locale for each content language.
HREFLANG = {"zh-hans": "zh-Hans", "en": "en"}
OG_LOCALE = {"zh-hans": "zh_CN", "en": "en_US"}


@register.simple_tag(takes_context=True)
def page_alternates(context, page):
    """The live translations of ``page`` (itself included), for hreflang links and switching."""
    request = context.get("request")
    if page is None or not getattr(page, "pk", None):
        return []
    # The head and the page's language links both ask: compute once per page object.
    cached = getattr(page, "_cms_alternates", None)
    if cached is not None:
        return cached
    translations = page.get_translations(inclusive=True).live().select_related("locale")
    alternates = []
    for translation in translations:
        code = translation.locale.language_code
        path = translation.get_url(request)
        if not path:
            continue
        alternates.append(
            {
                "code": code,
                "hreflang": HREFLANG.get(code, code),
                "url": _absolute(request, path),
                "path": path,
                "name": get_language_info(code)["name_local"],
                "current": translation.pk == page.pk,
                "default": code == settings.LANGUAGE_CODE,
            }
        )
    page._cms_alternates = sorted(alternates, key=lambda item: (not item["default"], item["code"]))
    return page._cms_alternates


def _absolute(request, url: str) -> str:
    # The host the visitor used, not the Site record's (which may still say localhost).
    if request is None or url.startswith(("http://", "https://")):
        return url
    return request.build_absolute_uri(url)


@register.simple_tag(takes_context=True)
def absolute_page_url(context, page):
    request = context.get("request")
    return _absolute(request, page.get_url(request) or "")


@register.simple_tag(takes_context=True)
def absolute_url(context, url):
    return _absolute(context.get("request"), url)


@register.simple_tag
def og_locale(language_code):
    return OG_LOCALE.get(language_code, language_code)


@register.simple_tag
def localized_path(path):
    return selectors.localized_path(path)


@register.simple_tag
def booking_url(topic):
    return selectors.legalaid_booking_url(topic=topic)
