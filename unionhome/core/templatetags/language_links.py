"""Links to the current page in every language. Plain links (no form, no CSRF token), so
anonymous pages stay cacheable; Wagtail pages link to their real translations."""

from django import template
from django.conf import settings
from django.utils.translation import get_language, get_language_info

from unionhome.core.language import localized_path

register = template.Library()


def _page_translation_paths(page, request) -> dict[str, str]:
    try:
        translations = page.get_translations(inclusive=True).live().select_related("locale")
    except AttributeError:
        return {}
    paths = {}
    for translation in translations:
        path = translation.get_url(request)
        if path:
            paths[translation.locale.language_code] = path
    return paths


@register.simple_tag(takes_context=True)
def language_links(context) -> list[dict]:
    request = context.get("request")
    current = get_language()
    codes = [code for code, _name in settings.LANGUAGES]
    here = request.get_full_path() if request is not None else "/"
    page = context.get("page")
    page_paths = _page_translation_paths(page, request) if page is not None else {}
    links = []
    for code in codes:
        href = page_paths.get(code) or localized_path(
            here, code, default=settings.LANGUAGE_CODE, languages=codes
        )
        links.append(
            {
                "code": code,
                "name": get_language_info(code)["name_local"],
                "href": href,
                "current": code == current,
            }
        )
    return links
