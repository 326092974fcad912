"""Admin screens: the contracts of the unions a staff member runs, with every version."""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from bargaining.contracts.models import Contract, ContractVersion
from unionhome.core import roles

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def may_use(user) -> bool:
    return bool(roles.staffed_union_ids(user))


def contract_index(request):
    union_ids = roles.staffed_union_ids(request.user)
    if not union_ids:
        raise Http404
    contracts = (
        Contract.objects.filter(case__union_id__in=union_ids)
        .select_related("case", "case__union")
        .prefetch_related("versions")
        .order_by("-id")
    )
    return TemplateResponse(
        request,
        "contracts/admin/index.html",
        {
            "contracts": contracts,
            "page_title": _("Collective contracts"),
            "header_icon": "doc-full",
        },
    )


def version_download(request, version_id: int):
    union_ids = roles.staffed_union_ids(request.user)
    version = get_object_or_404(
        ContractVersion.objects.select_related("contract__case"),
        pk=version_id,
        contract__case__union_id__in=union_ids,
    )
    with version.file.open("rb") as handle:
        content = handle.read()
    response = HttpResponse(content, content_type=DOCX)
    name = f"contract-{version.contract.case_id}-v{version.number}-{version.language}.docx"
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response
