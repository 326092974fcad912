"""Wagtail admin screens of union staff: applications, transfers, join codes and posters,
imports and deletion requests. Each view is scoped to the unions the user runs and calls one
service per action."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from unionhome.core import qr, roles
from unionhome.core.errors import DomainError
from unionhome.membership import member_import, personal_data, selectors, services
from unionhome.membership.forms import AssignForm, ImportForm, JoinCodeForm, ReasonForm
from unionhome.membership.models import (
    DeletionRequest,
    JoinCode,
    MemberImport,
    Membership,
    Transfer,
    Union,
    UnionKind,
)


def _require_some_union(request) -> set[int]:
    ids = roles.staffed_union_ids(request.user)
    if not ids:
        raise PermissionDenied
    return ids


def _render(request, template: str, title: str, context: dict):
    context.update({"page_title": title, "header_title": title})
    return render(request, template, context)


def _run(request, action, success: str):
    try:
        action()
    except DomainError as error:
        messages.error(request, error.detail)
    else:
        messages.success(request, success)


# --- Applications ---------------------------------------------------------------------------


def applications(request):
    ids = _require_some_union(request)
    pending = list(selectors.applications_pending_for(user=request.user).order_by("applied_at"))
    rows = []
    for membership in pending:
        row = {
            "m": membership,
            "id_shown": personal_data.id_number_shown(membership=membership, user=request.user),
        }
        if membership.in_pool:
            unions = [
                u
                for u in selectors.union_subtree(union=membership.union)
                if u.kind != UnionKind.DISTRICT and u.pk in ids
            ]
            row["assign_form"] = AssignForm(
                unions=unions,
                initial_union=selectors.union_catch_all(district=membership.union),
                prefix=f"a{membership.pk}",
            )
        rows.append(row)
    return _render(
        request,
        "unionhome/admin/applications.html",
        _("Membership applications"),
        {"rows": rows, "reason_form": ReasonForm()},
    )


def _visible_membership(request, pk: int) -> Membership:
    membership = get_object_or_404(Membership.objects.select_related("union"), pk=pk)
    if membership.union_id not in roles.staffed_union_ids(request.user):
        raise Http404
    return membership


@require_POST
def application_approve(request, pk: int):
    membership = _visible_membership(request, pk)
    _run(
        request,
        lambda: services.membership_approve(membership=membership, actor=request.user),
        _("%(name)s is now a member.") % {"name": membership.full_name},
    )
    return redirect("unionhome_admin:applications")


@require_POST
def application_reject(request, pk: int):
    membership = _visible_membership(request, pk)
    _run(
        request,
        lambda: services.membership_reject(
            membership=membership, actor=request.user, reason=request.POST.get("reason", "")
        ),
        _("The application of %(name)s was rejected.") % {"name": membership.full_name},
    )
    return redirect("unionhome_admin:applications")


@require_POST
def application_assign(request, pk: int):
    membership = _visible_membership(request, pk)
    union = Union.objects.filter(pk=request.POST.get(f"a{pk}-union") or 0).first()
    _run(
        request,
        lambda: services.membership_assign(membership=membership, actor=request.user, union=union),
        _("The application was assigned."),
    )
    return redirect("unionhome_admin:applications")


# --- Transfers ------------------------------------------------------------------------------


def transfers(request):
    ids = _require_some_union(request)
    visible = list(selectors.transfers_visible_to(user=request.user)[:200])
    return _render(
        request,
        "unionhome/admin/transfers.html",
        _("Membership transfers"),
        {
            "incoming": [t for t in visible if t.status == "pending" and t.to_union_id in ids],
            "history": visible,
            "staffed": ids,
            "reason_form": ReasonForm(),
        },
    )


def _visible_transfer(request, pk: int) -> Transfer:
    transfer = get_object_or_404(
        Transfer.objects.select_related("to_union", "from_membership__union"), pk=pk
    )
    if transfer not in selectors.transfers_visible_to(user=request.user):
        raise Http404
    return transfer


@require_POST
def transfer_approve(request, pk: int):
    transfer = _visible_transfer(request, pk)
    _run(
        request,
        lambda: services.transfer_approve(transfer=transfer, actor=request.user),
        _("The transfer was approved."),
    )
    return redirect("unionhome_admin:transfers")


@require_POST
def transfer_reject(request, pk: int):
    transfer = _visible_transfer(request, pk)
    _run(
        request,
        lambda: services.transfer_reject(
            transfer=transfer, actor=request.user, reason=request.POST.get("reason", "")
        ),
        _("The transfer was rejected."),
    )
    return redirect("unionhome_admin:transfers")


# --- Join codes and posters -----------------------------------------------------------------


def join_codes(request):
    ids = _require_some_union(request)
    # A read: a union gets its default code when it is created (signals.union_saved), never here.
    unions = list(Union.objects.filter(pk__in=ids))
    base = request.build_absolute_uri("/").rstrip("/")
    rows = []
    for row in selectors.join_code_counts(union_ids=[u.pk for u in unions]):
        code = row["code"]
        row["join_url"] = selectors.join_url(code=code, base_url=base)
        row["usable"] = _usable(code)
        rows.append(row)
    return _render(
        request,
        "unionhome/admin/join_codes.html",
        _("Join codes and posters"),
        {"rows": rows, "unions": unions, "form": JoinCodeForm()},
    )


def _usable(code: JoinCode) -> bool:
    try:
        selectors.join_code_from_token(token=selectors.join_token(code=code))
    except DomainError:
        return False
    return True


def _visible_code(request, pk: int) -> JoinCode:
    code = get_object_or_404(JoinCode.objects.select_related("union"), pk=pk)
    if code.union_id not in roles.staffed_union_ids(request.user):
        raise Http404
    return code


@require_POST
def join_code_create(request):
    _require_some_union(request)
    union = get_object_or_404(Union, pk=request.POST.get("union") or 0)
    form = JoinCodeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say where this code will be posted."))
        return redirect("unionhome_admin:join_codes")
    _run(
        request,
        lambda: services.join_code_create(
            union=union,
            actor=request.user,
            source=form.cleaned_data["source"],
            expires_at=form.cleaned_data["expires_at"],
        ),
        _("The new code is ready: print its poster."),
    )
    return redirect("unionhome_admin:join_codes")


@require_POST
def join_code_rotate(request, pk: int):
    code = _visible_code(request, pk)
    _run(
        request,
        lambda: services.join_code_rotate(code=code, actor=request.user),
        _("The code was replaced: posters printed before no longer work."),
    )
    return redirect("unionhome_admin:join_codes")


@require_POST
def join_code_toggle(request, pk: int):
    code = _visible_code(request, pk)
    _run(
        request,
        lambda: services.join_code_set_active(
            code=code, actor=request.user, active=not code.active
        ),
        _("Saved."),
    )
    return redirect("unionhome_admin:join_codes")


def join_code_qr(request, pk: int):

    code = _visible_code(request, pk)
    url = selectors.join_url(code=code, base_url=request.build_absolute_uri("/").rstrip("/"))
    if request.GET.get("format") == "svg":
        response = HttpResponse(qr.qr_svg(url), content_type="image/svg+xml")
        extension = "svg"
    else:
        response = HttpResponse(qr.qr_png(url, scale=16), content_type="image/png")
        extension = "png"
    response["Content-Disposition"] = f'attachment; filename="join-code-{code.pk}.{extension}"'
    return response


# --- Imports --------------------------------------------------------------------------------


def imports(request):
    ids = _require_some_union(request)
    unions = list(Union.objects.filter(pk__in=ids).exclude(kind=UnionKind.DISTRICT))
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES, unions=unions)
        if form.is_valid():
            try:
                job = member_import.member_import_create(
                    union=form.cleaned_data["union"],
                    actor=request.user,
                    upload=form.cleaned_data["file"],
                )
            except DomainError as error:
                form.add_error(None, error.detail)
            else:
                return redirect("unionhome_admin:import_detail", pk=job.pk)
    else:
        form = ImportForm(unions=unions)
    jobs = MemberImport.objects.filter(union_id__in=ids).select_related("union")[:20]
    return _render(
        request,
        "unionhome/admin/imports.html",
        _("Import members"),
        {"form": form, "jobs": jobs},
    )


def import_detail(request, pk: int):
    job = get_object_or_404(MemberImport.objects.select_related("union"), pk=pk)
    if job.union_id not in roles.staffed_union_ids(request.user):
        raise Http404
    percent = int(100 * job.processed_rows / job.total_rows) if job.total_rows else 0
    return _render(
        request,
        "unionhome/admin/import_detail.html",
        _("Import of %(file)s") % {"file": job.original_name},
        {"job": job, "percent": percent, "running": job.status in ("queued", "running")},
    )


# --- Deletion requests ----------------------------------------------------------------------


def deletions(request):
    ids = _require_some_union(request)
    federation = roles.is_federation_staff(request.user)
    qs = DeletionRequest.objects.select_related("user").order_by("-requested_at")
    if not federation:
        qs = qs.filter(user__memberships__union_id__in=ids).distinct()
    return _render(
        request,
        "unionhome/admin/deletions.html",
        _("Data deletion requests"),
        {"requests": list(qs[:200])},
    )


@require_POST
def deletion_carry_out(request, pk: int):
    _require_some_union(request)
    deletion = get_object_or_404(DeletionRequest, pk=pk)
    _run(
        request,
        lambda: personal_data.deletion_request_carry_out(request=deletion, actor=request.user),
        _("The personal data was deleted."),
    )
    return redirect("unionhome_admin:deletions")


def dashboard_url() -> str:
    return reverse("unionhome_admin:applications")
