from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from unionhome.core import roles


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


class FederationOnlyAdminViewsMiddleware:
    """Admin views that list every union's records at once, with no way to scope them: only
    federation staff open them. Wagtail's site history lists the log entries of every object
    a user has a model permission on (union B's ballots, cases, files...), by title and
    person; union staff read each object's own history from the object, which is scoped
    (``admin_scope``)."""

    URL_NAMES = frozenset(
        {"wagtailadmin_reports:site_history", "wagtailadmin_reports:site_history_results"}
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or match.view_name not in self.URL_NAMES:
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or roles.is_federation_staff(user):
            return None  # anonymous users get the admin's own login redirect
        raise PermissionDenied
