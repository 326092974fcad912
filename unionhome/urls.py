from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.conf.urls.static import static
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from cms import views as cms_views
from unionhome.api import api
from unionhome.language import switch_language

urlpatterns = [
    path("sitemap.xml", cms_views.sitemap_view, name="cms_sitemap"),
    path("robots.txt", cms_views.robots_txt, name="cms_robots"),
    path("api/v1/", api.urls),
    path("_allauth/", include("allauth.headless.urls")),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/setlang/", switch_language, name="set_language"),
]

urlpatterns += i18n_patterns(
    path("accounts/", include("allauth.urls")),
    path("", include("unionhome.site_urls")),
    path("ballots/", include("unionhome.ballots.urls")),
    path("bargaining/", include("bargaining.urls")),
    path("contracts/", include("bargaining.contracts.urls")),
    path("legal-aid/", include("legalaid.urls")),
    path("", include("cms.urls")),
    # Wagtail's page serving must stay last: it answers every remaining path.
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)

if settings.DEBUG:
    urlpatterns = static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT) + urlpatterns
