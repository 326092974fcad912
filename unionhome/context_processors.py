from django.conf import settings


def site(request):
    user_agent = request.headers.get("User-Agent", "") if request is not None else ""
    return {
        "SITE_NAME": settings.WAGTAIL_SITE_NAME,
        # WeChat's in-app browser often will not download files: pages show a hint.
        "IN_WECHAT": "MicroMessenger" in user_agent,
    }
