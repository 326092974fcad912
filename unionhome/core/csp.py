"""Content-Security-Policy: the site's pages run only scripts and styles served from its own
static files; the Wagtail admin gets the allowances its own templates need (docs/security.md)."""

from csp.middleware import CSPMiddleware, PolicyParts
from django.core.exceptions import DisallowedHost

ADMIN_PATH_PREFIX = "/admin/"

# Wagtail 8's admin templates carry inline <script> blocks (date widgets, inline panels,
# search promotions) and inline style attributes, and its page preview is a same-origin
# iframe. Only staff with a second factor reach these paths.
ADMIN_RELAXATIONS = {
    "script-src": ["'self'", "'unsafe-inline'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "frame-ancestors": ["'self'"],
}


class SiteCSPMiddleware(CSPMiddleware):
    """The policy from settings, plus the socket origin of this very host in connect-src (older
    browsers do not count ws(s) as 'self') and the admin's allowances under the admin path."""

    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if report_only:
            return parts
        try:
            host = request.get_host()
        except DisallowedHost:
            host = None
        if host:
            scheme = "wss" if request.is_secure() else "ws"
            parts.update = {**(parts.update or {}), "connect-src": [f"{scheme}://{host}"]}
        if request.path_info.startswith(ADMIN_PATH_PREFIX):
            parts.replace = {**ADMIN_RELAXATIONS, **(parts.replace or {})}
        return parts
