from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.conf.urls.static import static
from django.http import JsonResponse
from django.urls import include, path, re_path
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from cms import views as cms_views
from unionhome.accounts import views as accounts_views
from unionhome.config.api import api
from unionhome.core import availability
from unionhome.core.language import switch_language


@csrf_exempt
def api_not_found(request, rest=""):
    """Any other path under /api/v1/: a JSON 404. Without it CommonMiddleware answers a POST
    with a trailing-slash redirect (a 500 under DEBUG, a body-dropping 301 in production)."""
    return JsonResponse({"detail": _("Not found."), "code": "not_found"}, status=404)


urlpatterns = [
    path("healthz", availability.healthz, name="healthz"),
    path("readyz", availability.readyz, name="readyz"),
    path("sitemap.xml", cms_views.sitemap_view, name="cms_sitemap"),
    path("robots.txt", cms_views.robots_txt, name="cms_robots"),
    path("api/v1/", api.urls),
    re_path(r"^api/v1/(?P<rest>.*)$", api_not_found),
    path("_allauth/", include("allauth.headless.urls")),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/setlang/", switch_language, name="set_language"),
]

urlpatterns += i18n_patterns(
    # allauth's code pages with the one-code-a-minute resend rule and its countdown; listed
    # before allauth's own URLs so these answer the same paths and names.
    path(
        "accounts/login/code/confirm/",
        accounts_views.confirm_login_code,
        name="account_confirm_login_code",
    ),
    path("accounts/phone/verify/", accounts_views.verify_phone, name="account_verify_phone"),
    path("accounts/", include("allauth.urls")),
    path("", include("unionhome.membership.urls")),
    path("ballots/", include("unionhome.ballots.urls")),
    path("bargaining/", include("bargaining.urls")),
    path("contracts/", include("bargaining.contracts.urls")),
    path("legal-aid/", include("legalaid.urls")),
    path("care/", include("unionhome.care.urls")),
    path("rights/complaints/", include("legalaid.complaints.urls")),
    path("rights/consultations/", include("bargaining.consultations.urls")),
    path("", include("cms.urls")),
    # Wagtail's page serving must stay last: it answers every remaining path.
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)

handler403 = "unionhome.core.error_pages.handler403"
handler404 = "unionhome.core.error_pages.handler404"

if settings.DEBUG:
    urlpatterns = static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT) + urlpatterns
