"""Site pages served inside the language prefix (before Wagtail's catch-all).

The sitemap and robots.txt live at the site root, outside the language prefix: see
``cms.views.sitemap_view`` and ``cms.views.robots_txt``.
"""

from django.urls import path

from cms import views

urlpatterns = [
    path("search/", views.search_view, name="cms_search"),
]
