"""Consultations API (/api/v1/consultations, see docs/api/consultations.md)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from bargaining.consultations import documents, rules, selectors, services
from unionhome.core.errors import NotFound

router = Router(tags=["consultations"])

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class ConsultationOut(Schema):
    id: int
    company: str
    title: str
    summary: str
    status: str
    opens_at: dt.datetime | None
    closes_at: dt.datetime | None
    effective_on: dt.date | None


class CommentIn(Schema):
    text: str


class OpinionIn(Schema):
    position: str


def _local(value):
    return value.astimezone(rules.SHANGHAI) if value else None


def consultation_out(c) -> dict:
    return {
        "id": c.pk,
        "company": c.company,
        "title": c.title,
        "summary": c.summary,
        "status": selectors.status_of(c),
        "opens_at": _local(c.opens_at),
        "closes_at": _local(c.closes_at),
        "effective_on": c.effective_on,
    }


@router.get("", response=list[ConsultationOut])
def list_consultations(request):
    return [consultation_out(c) for c in selectors.consultations_visible(request.user)]


@router.get("/{int:consultation_id}")
def detail(request, consultation_id: int):
    c, role = selectors.consultation_get(user=request.user, consultation_id=consultation_id)
    out = consultation_out(c)
    out.update(
        topic=c.topic,
        draft_text=c.draft_text,
        planned_effective_on=c.planned_effective_on,
        final_text=c.final_text,
        flag=selectors.flag_of(c),
        agenda_item_id=c.agenda_item_id,
        comments=selectors.comments_public(c),
        requests=[
            {"number": r.number, "text": r.text, "answer": r.answer, "reason": r.reason}
            for r in c.requests.all()
        ]
        if c.opinion_sent_at or role == "staff"
        else [],
        timeline=[{"at": when, "what": what} for when, what in selectors.timeline(c)],
    )
    return out


@router.post("/{int:consultation_id}/comments", response={201: dict})
def add_comment(request, consultation_id: int, payload: CommentIn):
    c, _role = selectors.consultation_get(user=request.user, consultation_id=consultation_id)
    comment = services.comment_add(member=request.user, consultation=c, text=payload.text)
    return Status(201, {"id": comment.pk, "status": comment.status})


@router.post("/{int:consultation_id}/opinion", response={201: dict})
def give_opinion(request, consultation_id: int, payload: OpinionIn):
    c, _role = selectors.consultation_get(user=request.user, consultation_id=consultation_id)
    opinion = services.opinion_give(member=request.user, consultation=c, position=payload.position)
    return Status(201, {"position": opinion.position})


@router.get("/{int:consultation_id}/results")
def results(request, consultation_id: int):
    c, _role = selectors.consultation_get(user=request.user, consultation_id=consultation_id)
    return selectors.results(c)


@router.get("/{int:consultation_id}/opinion.docx")
def opinion_docx(request, consultation_id: int):
    c, role = selectors.consultation_get(user=request.user, consultation_id=consultation_id)
    # The company reads the opinion once it is sent; staff while compiling it.
    if not c.requests.exists() or (role != "staff" and c.opinion_sent_at is None):
        raise NotFound(_("The written opinion is not ready."))
    response = HttpResponse(documents.written_opinion(c), content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="opinion-{c.pk}.docx"'
    return response
