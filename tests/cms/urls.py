"""The project's URLs plus the root-level sitemap and robots.txt routes of the site."""

from django.urls import path

from cms import views
from unionhome.config.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    path("sitemap.xml", views.sitemap_view, name="cms_sitemap"),
    path("robots.txt", views.robots_txt, name="cms_robots"),
    *project_urlpatterns,
]
