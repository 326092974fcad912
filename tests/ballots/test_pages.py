"""Member pages, the confirmation step, results with the chart, and the DOCX notice."""

import io

import pytest
from django.utils import timezone
from docx import Document

from tests.ballots.conftest import close, option_id
from unionhome.ballots import selectors, services
from unionhome.ballots.models import BallotParticipation

pytestmark = pytest.mark.django_db


def test_my_ballots_lists_open_first_in_chinese(client, core, make_ballot):
    closed = close(make_ballot(title="旧的表决"))
    open_ = make_ballot(title="正在表决")
    client.force_login(core["riders"][0])
    page = client.get("/ballots/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "我的表决" in html
    assert html.index(open_.title) < html.index(closed.title)
    english = client.get("/en/ballots/").content.decode()
    assert "My ballots" in english


def test_vote_flow_with_confirmation_then_receipt(client, core, make_ballot):
    ballot = make_ballot(title="Motion")
    client.force_login(core["riders"][0])
    paper = client.get(f"/en/ballots/{ballot.pk}/")
    assert paper.status_code == 200 and 'name="option_ids"' in paper.content.decode()
    yes = option_id(ballot, "yes")
    confirm = client.post(f"/en/ballots/{ballot.pk}/confirm/", {"option_ids": [yes]})
    text = confirm.content.decode()
    assert "cannot be changed" in text
    assert not BallotParticipation.objects.filter(ballot=ballot).exists()
    cast = client.post(f"/en/ballots/{ballot.pk}/cast/", {"option_ids": [yes]})
    assert cast.status_code == 302 and cast["Location"].endswith(f"/ballots/{ballot.pk}/receipt/")
    receipt = selectors.ballot_receipt_of(ballot=ballot, user=core["riders"][0])
    assert receipt in client.get(cast["Location"]).content.decode()
    # Kept in the member's history.
    assert receipt in client.get("/en/ballots/").content.decode()
    again = client.post(f"/en/ballots/{ballot.pk}/cast/", {"option_ids": [yes]}, follow=True)
    assert "already voted" in again.content.decode()
    assert BallotParticipation.objects.filter(ballot=ballot).count() == 1


def test_confirm_without_a_choice_shows_the_paper_again(client, core, make_ballot):
    ballot = make_ballot()
    client.force_login(core["riders"][0])
    response = client.post(f"/en/ballots/{ballot.pk}/confirm/", {})
    assert response.status_code == 422 and "Choose an option" in response.content.decode()


def test_outsider_gets_404_and_anonymous_is_sent_to_login(client, core, make_ballot):
    ballot = make_ballot()
    assert client.get(f"/ballots/{ballot.pk}/").status_code == 302
    client.force_login(core["platform_side"][0])
    assert client.get(f"/ballots/{ballot.pk}/").status_code == 404
    assert client.get(f"/ballots/{ballot.pk}/results/").status_code == 404


def test_results_page_has_chart_turnout_verdict(client, core, make_ballot):
    # Collective Contract Provisions art. 36: the congress (here the five riders) ratifies.
    for rider in core["riders"]:
        services.congress_representative_add(union=core["union"], user=rider)
    ballot = make_ballot(rule="collective_contract", electorate="congress")
    for rider in core["riders"][:4]:
        services.ballot_cast(ballot=ballot, user=rider, option_ids=[option_id(ballot, "yes")])
    client.force_login(core["riders"][0])
    assert client.get(f"/en/ballots/{ballot.pk}/results/").status_code == 403
    close(ballot)
    html = client.get(f"/en/ballots/{ballot.pk}/results/").content.decode()
    assert "<svg" in html and "<rect" in html
    assert "Turnout: 4 of 5" in html
    assert "Passed" in html and "at least two thirds" in html
    # Members do not get the staff's list of voters or the notice.
    assert "notice.docx" not in html and "have voted (who" not in html
    receipts = client.get(f"/en/ballots/{ballot.pk}/receipts/").content.decode()
    assert "Your receipt is in the list" in receipts


def test_staff_results_before_close_show_who_voted_not_counts(client, core, make_ballot):
    ballot = make_ballot()
    services.ballot_cast(
        ballot=ballot, user=core["riders"][1], option_ids=[option_id(ballot, "no")]
    )
    client.force_login(core["union_admin"])
    html = client.get(f"/en/ballots/{ballot.pk}/results/").content.decode()
    assert "rider2" in html and "Turnout: 1 of 5" in html
    # The turnout bar may show; the chart of the options' counts may not.
    assert '<svg xmlns="http://www.w3.org/2000/svg"' not in html


def test_result_notice_docx_for_staff_only(client, core, make_ballot):
    ballot = close_with_votes(core, make_ballot)
    client.force_login(core["riders"][0])
    assert client.get(f"/ballots/{ballot.pk}/notice.docx").status_code == 403
    client.force_login(core["union_admin"])
    response = client.get(f"/ballots/{ballot.pk}/notice.docx")
    assert response.status_code == 200
    document = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert ballot.title in text and core["union"].name in text
    table = document.tables[0]
    assert [row.cells[1].text for row in table.rows[1:]] == ["2", "1", "0"]
    east_asia = document.styles["Normal"].element.rPr.rFonts.get(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia"
    )
    assert east_asia == "SimSun"


def close_with_votes(core, make_ballot):
    ballot = make_ballot(title="通知测试")
    for rider, meaning in zip(core["riders"], ["yes", "yes", "no"], strict=False):
        services.ballot_cast(ballot=ballot, user=rider, option_ids=[option_id(ballot, meaning)])
    return close(ballot)


def test_chart_escapes_labels():
    from unionhome.ballots.charts import bar_chart_svg

    svg = bar_chart_svg([("<script>", 3, True), ("B & C", 1, False)], total=4, title="t")
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "B &amp; C" in svg
    assert 'width="0"' not in svg


def test_demo_has_an_open_and_a_closed_ballot(demo):
    open_ballot, election = demo["ballot_open"], demo["ballot_closed"]
    assert open_ballot.kind == "yes_no"
    assert open_ballot.status_at(timezone.now()) == "open"
    results = selectors.ballot_results(ballot=election, user=demo["riders"][0])
    assert results.turnout == 5 and results.passed is True
    assert [o.votes for o in results.options] == [4, 4, 3, 2]
    assert [o.elected for o in results.options] == [True, True, True, False]
    from unionhome.core import demo as demo_module

    demo_module.seed_all()  # idempotent
    assert election.papers.count() == 5
