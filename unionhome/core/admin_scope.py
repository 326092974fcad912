"""One union-scoping policy for the Wagtail admin, used by every app's ``wagtail_hooks``.

Staff run a subtree of unions (``roles.staffed_union_ids``; federation staff run them all).
In the admin they list only rows of those unions, and another union's row answers 404 on
every object view (edit, delete, inspect, history, usage): not visible, not just forbidden.
Each model says where its union is with ``union_path`` (an ORM path: ``"union"``,
``"case__union"``, or ``"id"`` for the Union model itself); an app with a wider rule (legal
aid: volunteers also see their own rows) overrides ``scope_queryset`` alone.
"""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from unionhome.core import roles


def union_ids(user) -> set[int]:
    return roles.staffed_union_ids(user)


def scope_to_unions(queryset: QuerySet, user, union_path: str = "union") -> QuerySet:
    """The rows of ``queryset`` that belong to unions ``user`` runs."""
    return queryset.filter(**{f"{union_path}__in": union_ids(user)})


class UnionScopedViewMixin:
    """For Wagtail index and object views (generic and snippet)."""

    union_path = "union"

    def scope_queryset(self, queryset: QuerySet) -> QuerySet:
        return scope_to_unions(queryset, self.request.user, self.union_path)

    def get_base_queryset(self):
        queryset = super().get_base_queryset()
        model = getattr(self, "model", None)
        if model is not None and queryset.model is not model:
            # History and usage views list log entries or references of one object, which
            # get_object has already checked; those rows have no union of their own.
            return queryset
        return self.scope_queryset(queryset)

    def get_object(self, *args, **kwargs):
        obj = super().get_object(*args, **kwargs)
        if not self.scope_queryset(type(obj)._default_manager.filter(pk=obj.pk)).exists():
            raise Http404
        return obj


class UnionScopedViewSetMixin:
    """For snippet viewsets: the listing holds only the user's unions' rows."""

    union_path = "union"

    def get_queryset(self, request):
        return scope_to_unions(self.model._default_manager.all(), request.user, self.union_path)


class UnionScopedFormMixin:
    """A form's ``union`` field offers only the unions the user runs and refuses others."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "union" in self.fields and self.for_user is not None:
            queryset = self.fields["union"].queryset
            self.fields["union"].queryset = queryset.filter(pk__in=union_ids(self.for_user))

    def clean_union(self):
        union = self.cleaned_data["union"]
        if self.for_user is not None and union.pk not in union_ids(self.for_user):
            raise forms.ValidationError(_("You do not run this union."))
        return union
