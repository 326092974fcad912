"""Consultation pages per role: members take part, staff run it, the company answers."""

import datetime as dt

from django.utils import timezone

from bargaining.consultations import selectors
from bargaining.consultations.models import Consultation, Opinion
from tests.consultations.conftest import COMPANY, publish

BASE = "/rights/consultations/"


def _live(ctx):
    now = timezone.now()
    c = publish(ctx, now=now, planned_effective_on=now.date() + dt.timedelta(days=30))
    Consultation.objects.filter(pk=c.pk).update(
        opens_at=now - dt.timedelta(hours=1), closes_at=now + dt.timedelta(days=7)
    )
    c.refresh_from_db()
    return c


def test_member_reads_comments_and_gives_an_opinion(client, ctx):
    c = _live(ctx)
    rider = ctx["riders"][0]
    client.force_login(rider)
    assert c.title in client.get(BASE).content.decode()
    page = client.get(f"{BASE}{c.pk}/").content.decode()
    assert c.summary in page
    assert "劳动合同法" in page or "Labour Contract Law art. 4" in page
    client.post(f"{BASE}{c.pk}/do/comment/", {"text": "<script>x()</script>太低"})
    client.post(f"{BASE}{c.pk}/do/opinion/", {"position": "oppose"})
    second = client.post(f"{BASE}{c.pk}/do/opinion/", {"position": "support"}, follow=True)
    assert Opinion.objects.get(member=rider).position == "oppose"
    assert "already" in second.content.decode() or "已经" in second.content.decode()
    # Staff publish the comment; members see it anonymised, markup as text.
    client.force_login(ctx["union_admin"])
    comment = c.comments.get()
    client.post(f"{BASE}{c.pk}/do/moderate/", {"comment": comment.pk, "approve": "1"})
    client.force_login(ctx["riders"][1])
    page = client.get(f"{BASE}{c.pk}/").content.decode()
    assert "&lt;script&gt;x()&lt;/script&gt;太低" in page and "<script>x()" not in page
    assert "张伟" not in page


def test_staff_compile_and_send_company_answers(client, ctx):
    c = _live(ctx)
    Opinion.objects.create(consultation=c, member=ctx["riders"][0], position="oppose")
    Consultation.objects.filter(pk=c.pk).update(closes_at=timezone.now() - dt.timedelta(minutes=1))
    client.force_login(ctx["union_admin"])
    page = client.get(f"{BASE}{c.pk}/").content.decode()
    assert 'id="compile"' in page and 'id="results"' in page
    client.post(
        f"{BASE}{c.pk}/do/compile/",
        {"union_position": "反对", "main_points": "收入下降", "requests": "维持原价\n提高补贴\n"},
    )
    client.post(f"{BASE}{c.pk}/do/send/")
    c.refresh_from_db()
    assert c.opinion_sent_at and c.requests.count() == 2
    client.force_login(ctx["company_user"])
    page = client.get(f"{BASE}{c.pk}/").content.decode()
    assert 'id="company-actions"' in page
    r1, r2 = c.requests.all()
    client.post(
        f"{BASE}{c.pk}/do/respond/",
        {
            f"answer_{r1.pk}": "rejected",
            f"reason_{r1.pk}": "成本压力",
            f"answer_{r2.pk}": "accepted",
            "final_text": "最终文本",
            "effective_on": (timezone.localdate() + dt.timedelta(days=30)).isoformat(),
        },
    )
    c.refresh_from_db()
    assert selectors.status_of(c) == "answered"
    client.force_login(ctx["riders"][0])
    page = client.get(f"{BASE}{c.pk}/").content.decode()
    assert "成本压力" in page and "最终文本" in page


def test_flagged_rule_is_shown(client, ctx):
    c = publish(ctx)
    client.force_login(ctx["union_admin"])
    client.post(f"{BASE}{c.pk}/do/effective/", {"effective_on": "2026-03-05"})
    page = client.get(f"{BASE}{c.pk}/").content.decode()
    assert 'id="flag"' in page
    client.post(f"{BASE}{c.pk}/do/escalate/", {"kind": "summons_request", "text": "请求约谈"})
    assert c.escalations.count() == 1


def test_company_publishes_through_the_page(client, ctx):
    from bargaining import demo as bargaining_demo

    bargaining_demo.seed(ctx)
    client.force_login(ctx["company_user"])
    response = client.post(
        f"{BASE}publish/",
        {
            "company": COMPANY,
            "topic": "commission",
            "title": "抽成比例调整",
            "summary": "抽成由 15% 提高到 18%",
            "draft_text": "……",
            "planned_effective_on": (timezone.localdate() + dt.timedelta(days=20)).isoformat(),
        },
    )
    c = Consultation.objects.get(title="抽成比例调整")
    assert response.status_code == 302 and c.union == ctx["union"] and c.agenda_item is not None


def test_others_get_404(client, ctx):
    c = _live(ctx)
    for user in (ctx["outsider"], ctx["platform_side"][2], ctx["volunteers"][0]):
        client.force_login(user)
        assert client.get(f"{BASE}{c.pk}/").status_code == 404
        assert client.post(f"{BASE}{c.pk}/do/opinion/", {"position": "oppose"}).status_code == 404
    client.force_login(ctx["riders"][0])
    assert client.get(f"{BASE}publish/").status_code == 404
