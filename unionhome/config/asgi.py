import gc
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

# What is loaded by now (Django, Wagtail, the URL conf, every app's modules) lives as long as
# the process: moved out of the collector's reach, a full collection in a busy room walks the
# sockets' objects only. Measured at 1,000 sockets per process: full collections paused the
# loop 170-310 ms before, 30-60 ms after (docs/performance.md), each pause delaying a broadcast.
gc.collect()
gc.freeze()
