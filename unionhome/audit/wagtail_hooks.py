"""The audit log in the Wagtail admin: federation staff only (union staff get 403 and no
menu item), filtered by action, union, actor and date."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import path, reverse_lazy
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from unionhome.audit import selectors
from unionhome.audit.forms import AuditFilterForm

PAGE_SIZE = 50


def audit_log(request):
    if not selectors.can_see_audit_log(request.user):
        raise PermissionDenied
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    entries = selectors.audit_entries(
        user=request.user,
        action=filters.get("action") or "",
        union_id=getattr(filters.get("union"), "pk", None),
        actor=filters.get("actor") or "",
        first_day=filters.get("first_day"),
        last_day=filters.get("last_day"),
    )
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("p"))
    query = request.GET.copy()
    query.pop("p", None)
    title = _("Audit log")
    return render(
        request,
        "audit/audit_log.html",
        {
            "page_title": title,
            "header_title": title,
            "form": form,
            "page": page,
            "query": query.urlencode(),
        },
    )


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [path("audit/", audit_log, name="audit_log")]


class FederationMenuItem(MenuItem):
    def is_shown(self, request):
        return selectors.can_see_audit_log(request.user)


@hooks.register("register_admin_menu_item")
def register_audit_menu():
    return FederationMenuItem(
        _("Audit log"), reverse_lazy("audit_log"), name="audit-log", icon_name="history", order=900
    )
