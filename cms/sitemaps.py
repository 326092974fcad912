from django.db.models import Q
from wagtail.contrib.sitemaps import Sitemap
from wagtail.models import Page


class AllLocalesSitemap(Sitemap):
    """Every live page of the site in every language.

    Wagtail's own sitemap lists the site root's tree only; the English pages live in the
    root page's translation, a sibling tree.
    """

    def items(self):
        root = self.get_wagtail_site().root_page
        roots = Page.objects.filter(translation_key=root.translation_key)
        tree = Q()
        for path in roots.values_list("path", flat=True):
            tree |= Q(path__startswith=path)
        return (
            Page.objects.filter(tree)
            .live()
            .public()
            .order_by("path")
            .defer_streamfields()
            .specific()
        )
