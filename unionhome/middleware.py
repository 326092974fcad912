from django.conf import settings
from django.http import HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from unionhome import roles


class StaffMFAMiddleware:
    """With MFA_REQUIRED_FOR_STAFF, staff and negotiators must enrol TOTP before using the
    admin, the API or the bargaining rooms; everything they need to enrol stays reachable."""

    EXEMPT_PREFIXES = ("/accounts/", "/en/accounts/", "/_allauth/", "/static/", "/media/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if getattr(settings, "MFA_REQUIRED_FOR_STAFF", False):
            user = getattr(request, "user", None)
            if (
                user is not None
                and user.is_authenticated
                and not request.path.startswith(self.EXEMPT_PREFIXES)
                and roles.mfa_missing(user)
            ):
                if request.path.startswith("/api/"):
                    return JsonResponse(
                        {
                            "detail": _("Set up two-factor authentication first."),
                            "code": "mfa_required",
                        },
                        status=403,
                    )
                return HttpResponseRedirect(reverse("mfa_activate_totp"))
        return self.get_response(request)
