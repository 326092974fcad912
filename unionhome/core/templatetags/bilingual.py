"""``{% localized union "name" %}`` (or ``{% localized card.name %}``): a stored name in the page's language, marked when an
English page has only the Chinese form."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from unionhome.core.bilingual import localized as localized_text_of

register = template.Library()


@register.simple_tag
def localized(obj, field: str = ""):
    """``obj.field`` in the page's language; or, without a field, a text a selector already
    localised (``unionhome.core.bilingual.Localized``)."""
    text = localized_text_of(obj, field) if field else obj
    if not getattr(text, "in_chinese", False):
        return text
    return format_html(
        '<span lang="zh-Hans">{}</span> <small class="muted in-chinese">{}</small>',
        text,
        _("(in Chinese)"),
    )


@register.filter
def localized_text(obj, field: str) -> str:
    """Plain text for places that cannot hold a marker (page titles, attributes)."""
    return localized_text_of(obj, field)
