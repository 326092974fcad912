"""The site's URLs, plus the contract router and pages where the project has not mounted
them yet (so these tests run before and after the project wires them in)."""

from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path
from ninja import NinjaAPI

from bargaining.contracts.api import router
from unionhome.config.api import api as main_api
from unionhome.config.urls import urlpatterns as site_patterns

urlpatterns = []
if not any(mounted is router for _prefix, mounted in main_api._routers):
    test_api = NinjaAPI(urls_namespace="contracts-test", auth=main_api.auth, docs_url=None)
    test_api._exception_handlers = dict(main_api._exception_handlers)
    test_api.add_router("/bargaining", router)
    urlpatterns.append(path("api/v1/", test_api.urls))


def _pages_included(patterns) -> bool:
    for pattern in patterns:
        if getattr(pattern, "namespace", None) == "contracts":
            return True
        if hasattr(pattern, "url_patterns") and _pages_included(pattern.url_patterns):
            return True
    return False


if not _pages_included(site_patterns):
    urlpatterns += i18n_patterns(
        path("contracts/", include("bargaining.contracts.urls")), prefix_default_language=False
    )
urlpatterns += site_patterns
