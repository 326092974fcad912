from django.conf import settings
from django.utils.functional import SimpleLazyObject

from unionhome.core import roles


def _user_roles(user) -> dict:
    return {
        "negotiator": roles.is_negotiator(user),
        "volunteer": roles.is_volunteer(user),
        "staff": bool(getattr(user, "is_staff", False)),
    }


def site(request):
    user_agent = request.headers.get("User-Agent", "") if request is not None else ""
    user = getattr(request, "user", None)
    return {
        "SITE_NAME": settings.WAGTAIL_SITE_NAME,
        # WeChat's in-app browser often will not download files: pages show a hint.
        "IN_WECHAT": "MicroMessenger" in user_agent,
        "USER_ROLES": SimpleLazyObject(lambda: _user_roles(user)),
        "USER_NAME": SimpleLazyObject(lambda: roles.display_name(user)),
    }
