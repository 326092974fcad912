"""The Wagtail admin's users and groups, with role groups shown in the reader's language.

Role groups are stored under stable English names (``roles.ROLE_GROUPS``) that code looks up;
Wagtail would print those names as they are. ``wagtail_users_app`` replaces ``wagtail.users``
in INSTALLED_APPS (the way Wagtail documents for customising its user and group views) so the
group list, the group pages' titles and the user form's role checkboxes show translated labels.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import pgettext_lazy
from wagtail.admin.ui.tables import TitleColumn
from wagtail.users.forms import UserCreationForm, UserEditForm
from wagtail.users.views import groups as group_views
from wagtail.users.views.users import UserViewSet as WagtailUserViewSet

from unionhome.core.roles import role_label


class RoleGroupsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return role_label(obj)


def _with_role_labels(form_class):
    class Form(form_class):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            field = self.fields.get("groups")
            if field is not None:
                field.__class__ = RoleGroupsField

    Form.__name__ = form_class.__name__
    return Form


class UserViewSet(WagtailUserViewSet):
    def get_form_class(self, for_update=False):
        return _with_role_labels(UserEditForm if for_update else UserCreationForm)


class GroupIndexView(group_views.IndexView):
    columns = [
        TitleColumn(
            "name",
            accessor=role_label,
            label=pgettext_lazy("group", "Name"),
            sort_key="name",
            url_name="wagtailusers_groups:edit",
        ),
    ]


class GroupEditView(group_views.EditView):
    def get_page_subtitle(self):
        return role_label(self.object)


class GroupDeleteView(group_views.DeleteView):
    def get_page_subtitle(self):
        return role_label(self.object)


class GroupViewSet(group_views.GroupViewSet):
    index_view_class = GroupIndexView
    edit_view_class = GroupEditView
    delete_view_class = GroupDeleteView
