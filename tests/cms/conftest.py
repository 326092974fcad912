import pytest


@pytest.fixture
def site_pages(demo):
    """The demo site's pages by slug, Chinese and English."""
    from wagtail.models import Locale, Page

    zh = Locale.objects.get(language_code="zh-hans")
    en = Locale.objects.get(language_code="en")
    home = demo["cms_home"]
    return {
        "home": home,
        "home_en": demo["cms_home_en"],
        "zh": {p.slug: p.specific for p in Page.objects.descendant_of(home).filter(locale=zh)},
        "en": {
            p.slug: p.specific
            for p in Page.objects.descendant_of(demo["cms_home_en"]).filter(locale=en)
        },
    }
