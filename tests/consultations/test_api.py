"""The consultations API per role (API.md "Rights")."""

import datetime as dt
import io
import json

import pytest
from django.utils import timezone
from docx import Document

from bargaining.consultations import services
from bargaining.consultations.models import Consultation
from tests.consultations.conftest import COMPANY, publish

URL = "/api/v1/consultations"


def post(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


@pytest.fixture
def live(ctx):
    """A consultation open now (the API uses the real clock)."""
    now = timezone.now()
    consultation = publish(ctx, now=now, planned_effective_on=now.date() + dt.timedelta(days=30))
    return services.consultation_open(
        actor=ctx["union_admin"],
        consultation=consultation,
        closes_at=now + dt.timedelta(days=7),
        now=now,
    )


def _close(consultation):
    # Move the window into the past (as if time had passed).
    Consultation.objects.filter(pk=consultation.pk).update(
        opens_at=timezone.now() - dt.timedelta(days=8),
        closes_at=timezone.now() - dt.timedelta(minutes=1),
    )


def test_list_fields_and_visibility(client, ctx, live):
    client.force_login(ctx["riders"][0])
    body = client.get(URL).json()
    assert body == [
        {
            "id": live.pk,
            "company": COMPANY,
            "title": live.title,
            "summary": live.summary,
            "status": "open",
            "opens_at": body[0]["opens_at"],
            "closes_at": body[0]["closes_at"],
            "effective_on": None,
        }
    ]
    assert body[0]["closes_at"].endswith("+08:00")
    client.force_login(ctx["outsider"])
    assert client.get(URL).json() == []
    assert client.get(f"{URL}/{live.pk}").status_code == 404


def test_members_do_not_see_drafts(client, ctx):
    draft = publish(ctx)
    client.force_login(ctx["riders"][0])
    assert client.get(f"{URL}/{draft.pk}").status_code == 404
    client.force_login(ctx["company_user"])
    assert client.get(URL).json()[0]["status"] == "draft"


def test_comment_opinion_and_results(client, ctx, live):
    client.force_login(ctx["riders"][0])
    response = post(client, f"{URL}/{live.pk}/comments", {"text": "<img src=x onerror=alert(1)>"})
    assert response.status_code == 201 and response.json()["status"] == "pending"
    assert post(client, f"{URL}/{live.pk}/comments", {"text": " "}).status_code == 422
    assert post(client, f"{URL}/{live.pk}/opinion", {"position": "oppose"}).status_code == 201
    second = post(client, f"{URL}/{live.pk}/opinion", {"position": "support"})
    assert second.status_code == 409 and second.json()["code"] == "already_given"
    assert post(client, f"{URL}/{live.pk}/opinion", {"position": "x"}).status_code == 422
    early = client.get(f"{URL}/{live.pk}/results")
    assert early.status_code == 409 and early.json()["detail"]
    _close(live)
    late = post(client, f"{URL}/{live.pk}/opinion", {"position": "oppose"})
    assert late.status_code == 409
    client.force_login(ctx["riders"][1])
    late = post(client, f"{URL}/{live.pk}/opinion", {"position": "support"})
    assert late.status_code == 409 and late.json()["code"] == "consultation_not_open"
    assert client.get(f"{URL}/{live.pk}/results").json() == {
        "support": 0,
        "oppose": 1,
        "neutral": 0,
        "total": 1,
    }


def test_company_cannot_give_an_opinion(client, ctx, live):
    client.force_login(ctx["company_user"])
    assert post(client, f"{URL}/{live.pk}/opinion", {"position": "support"}).status_code == 403


def test_written_opinion_docx_for_staff_then_company(client, ctx, live):
    client.force_login(ctx["riders"][0])
    post(client, f"{URL}/{live.pk}/opinion", {"position": "oppose"})
    _close(live)
    live.refresh_from_db()
    services.written_opinion_set(
        actor=ctx["union_admin"],
        consultation=live,
        union_position="反对降价",
        main_points="收入下降",
        requests=["维持原价"],
    )
    client.force_login(ctx["company_user"])
    assert client.get(f"{URL}/{live.pk}/opinion.docx").status_code == 404
    client.force_login(ctx["union_admin"])
    assert client.get(f"{URL}/{live.pk}/opinion.docx").status_code == 200
    services.written_opinion_send(actor=ctx["union_admin"], consultation=live)
    client.force_login(ctx["company_user"])
    response = client.get(f"{URL}/{live.pk}/opinion.docx")
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "反对1人" in text and "张伟" not in text
