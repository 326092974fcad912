import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionhome.config.settings")
# Django must be set up before the consumers (and their models) are imported.
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from bargaining import fastpath  # noqa: E402
from bargaining.routing import websocket_urlpatterns  # noqa: E402
from unionhome.core.websocket import OriginValidator, SessionAuthMiddleware  # noqa: E402

# Daphne serves these sockets with autobahn: no debug formatting per connection when debug
# logging is off (see the function).
fastpath.quiet_autobahn_debug()

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": OriginValidator(SessionAuthMiddleware(URLRouter(websocket_urlpatterns))),
    }
)
