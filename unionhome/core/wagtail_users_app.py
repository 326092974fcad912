"""Wagtail's users app with the project's user and group views (see ``wagtail_users``).

Kept apart from the views: an app config module is imported before models can be."""

from wagtail.users.apps import WagtailUsersAppConfig


class UsersAppConfig(WagtailUsersAppConfig):
    group_viewset = "unionhome.core.wagtail_users.GroupViewSet"
    user_viewset = "unionhome.core.wagtail_users.UserViewSet"
