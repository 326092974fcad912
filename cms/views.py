"""Site-wide views: search results, sitemap and robots.txt."""

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from wagtail.contrib.sitemaps.views import sitemap as wagtail_sitemap

from cms import search as cms_search
from cms.selectors import search_pages
from cms.sitemaps import AllLocalesSitemap

RESULTS_PER_PAGE = 10


@require_GET
def search_view(request):
    raw_query = request.GET.get("q", "")
    query = raw_query[: cms_search.MAX_QUERY_LENGTH].strip()
    results = search_pages(query=query) if query else []
    paginator = Paginator(results, RESULTS_PER_PAGE)
    try:
        results_page = paginator.page(request.GET.get("page") or 1)
    except (PageNotAnInteger, EmptyPage):
        results_page = paginator.page(1)
    return render(
        request,
        "cms/search.html",
        {
            "query": query,
            "too_long": len(raw_query) > cms_search.MAX_QUERY_LENGTH,
            "results_page": results_page,
        },
    )


@require_GET
@cache_control(public=True, max_age=3600)
def sitemap_view(request):
    return wagtail_sitemap(request, sitemaps={"pages": AllLocalesSitemap(request)})


@require_GET
@cache_control(public=True, max_age=86400)
def robots_txt(request):
    sitemap_url = request.build_absolute_uri("/sitemap.xml")
    lines = [
        "User-agent: *",
        # Member, staff and API pages are personal or not content: keep crawlers out.
        "Disallow: /admin/",
        "Disallow: /api/",
        "Disallow: /accounts/",
        "Disallow: /en/accounts/",
        "Disallow: /_allauth/",
        "Disallow: /ballots/",
        "Disallow: /en/ballots/",
        "Disallow: /bargaining/",
        "Disallow: /en/bargaining/",
        "Disallow: /search/",
        "Disallow: /en/search/",
        f"Sitemap: {sitemap_url}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
