from django.urls import path

from bargaining.consumers import BargainingConsumer

websocket_urlpatterns: list = [
    path("ws/bargaining/<int:case_id>/", BargainingConsumer.as_asgi()),
]
