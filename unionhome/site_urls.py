"""Member-facing pages of the union core (join, membership card, transfer)."""

from django.urls import path  # noqa: F401

app_name = "unionhome"
urlpatterns: list = []
