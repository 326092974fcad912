"""Complaint pages per role: the member files and follows, staff handle, the company side
reads without the member's identity, others get 404; markup is shown as text."""

import datetime as dt

from legalaid.complaints import services
from legalaid.complaints.models import Complaint
from tests.complaints.conftest import COMPANY


def test_member_files_through_the_form(client, ctx):
    client.force_login(ctx["rider3"])
    assert client.get("/rights/complaints/new/").status_code == 200
    response = client.post(
        "/rights/complaints/new/",
        {
            "category": "wage_arrears",
            "company": COMPANY,
            "description": "<script>alert(1)</script>欠薪",
            "happened_on": "2026-03-01",
        },
    )
    complaint = Complaint.objects.get()
    assert response.status_code == 302 and response.url.endswith(f"/{complaint.pk}/")
    page = client.get(response.url).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page
    assert "2 个工作日" in page or "2 working days" in page


def test_form_errors_without_company(client, ctx):
    client.force_login(ctx["rider3"])
    response = client.post("/rights/complaints/new/", {"category": "other", "description": "x"})
    assert response.status_code == 200 and not Complaint.objects.exists()
    assert "errorlist" in response.content.decode()


def _complaint(ctx, **extra):
    return services.complaint_file(
        member=ctx["rider3"],
        category="deduction_or_fine",
        company=COMPANY,
        description="超时罚款 50 元",
        happened_on=dt.date(2026, 3, 1),
        **extra,
    )


def test_staff_handle_on_the_page(client, ctx):
    complaint = _complaint(ctx)
    client.force_login(ctx["union_admin"])
    page = client.get(f"/rights/complaints/{complaint.pk}/").content.decode()
    assert "desk-actions" in page and "李强" in page
    assert client.get("/rights/complaints/desk/").status_code == 200
    url = f"/rights/complaints/{complaint.pk}/do/"
    client.post(url + "assign/", {"officer": ctx["union_admin"].pk})
    client.post(url + "refer/", {"to": "mediation"})
    client.post(url + "meeting/", {"held_on": "2026-03-09", "text": "面谈"})
    client.post(url + "settle/", {"text": "退还罚款"})
    client.post(url + "honoured/", {"honoured": "yes"})
    client.post(url + "resolve/", {"text": "已退还"})
    complaint.refresh_from_db()
    assert complaint.status == "resolved" and complaint.settlement_honoured is True
    client.force_login(ctx["rider3"])
    client.post(url + "rate/", {"rating": "5"})
    complaint.refresh_from_db()
    assert complaint.status == "closed" and complaint.rating == 5


def test_company_page_hides_undisclosed_identity(client, ctx):
    complaint = _complaint(ctx)
    staff = ctx["union_admin"]
    complaint = services.complaint_assign(actor=staff, complaint=complaint, officer=staff)
    services.notice_issue(actor=staff, complaint=complaint, text="违规罚款，请退还")
    client.force_login(ctx["company_user"])
    page = client.get(f"/rights/complaints/{complaint.pk}/").content.decode()
    assert "违规罚款" in page
    for secret in ("李强", "13800138003", "310115"):
        assert secret not in page
    assert complaint.reference in client.get("/rights/complaints/").content.decode()


def test_other_roles_get_404(client, ctx):
    complaint = _complaint(ctx)
    for user in (ctx["rider1"], ctx["company_user"], ctx["volunteers"][0], ctx["outsider"]):
        client.force_login(user)
        assert client.get(f"/rights/complaints/{complaint.pk}/").status_code == 404
        response = client.post(f"/rights/complaints/{complaint.pk}/do/resolve/", {"text": "x"})
        assert response.status_code == 404
    assert client.get("/rights/complaints/desk/").status_code == 404


def test_patterns_page_for_negotiators_of_that_company_only(client, ctx):
    from bargaining import demo as bargaining_demo

    bargaining_demo.seed(ctx)
    _complaint(ctx)
    chief = ctx["union_side"][0]
    client.force_login(chief)
    room = client.get(f"/bargaining/{ctx['case'].pk}/").content.decode()
    assert "/rights/complaints/patterns/?company=" in room
    page = client.get("/rights/complaints/patterns/", {"company": COMPANY})
    assert page.status_code == 200 and "李强" not in page.content.decode()
    assert client.get("/rights/complaints/patterns/").status_code == 404
    assert client.get("/rights/complaints/patterns/", {"company": "别家"}).status_code == 404
    # The employer side's chief gets no link and no page.
    client.force_login(ctx["platform_side"][0])
    room = client.get(f"/bargaining/{ctx['case'].pk}/").content.decode()
    assert "/rights/complaints/patterns/" not in room
    page = client.get("/rights/complaints/patterns/", {"company": COMPANY})
    assert page.status_code == 404
