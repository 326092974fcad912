"""Search over pages: Chinese words, English words, and hostile input."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cms.search import MAX_QUERY_LENGTH, cjk_index_text, normalise_query


def test_chinese_is_indexed_as_characters_and_pairs():
    assert cjk_index_text("拖欠工资") == "拖 欠 工 资 拖欠 欠工 工资"
    assert cjk_index_text("wages 工资!") == "工 资 工资"
    assert cjk_index_text("") == ""


def test_query_cuts_chinese_into_pairs_and_keeps_other_words():
    assert normalise_query("最低工资") == "最低 低工 工资"
    assert normalise_query("工") == "工"
    assert normalise_query("piece rate") == "piece rate"
    assert normalise_query("工伤insurance") == "工伤 insurance"


def test_query_drops_markup_and_search_syntax():
    assert normalise_query('<script>alert("x")</script>') == "script alert x"
    assert normalise_query('"wage" OR * -NEAR(') == "wage OR NEAR"
    assert normalise_query("   ") == ""


@given(st.text(max_size=3000))
def test_normalised_query_is_always_plain_words(raw):
    query = normalise_query(raw)
    assert all(ch.isalnum() or ch in " _" for ch in query)
    assert len(query) <= 3 * MAX_QUERY_LENGTH


@pytest.mark.django_db
@pytest.mark.parametrize("word", ["工资", "最低工资", "计件单价"])
def test_search_finds_a_legal_guide_by_a_chinese_word(client, demo, word):
    response = client.get("/search/", {"q": word})
    assert response.status_code == 200
    html = response.content.decode()
    assert "工资与计件单价：不得低于最低工资" in html
    assert 'href="/legal-guides/pay-and-piece-rates/"' in html


@pytest.mark.django_db
def test_search_finds_in_the_body_not_only_the_title(client, demo):
    html = client.get("/search/", {"q": "绿豆汤"}).content.decode()
    assert "夏送清凉" in html


@pytest.mark.django_db
def test_search_answers_in_the_active_language(client, demo):
    html = client.get("/en/search/", {"q": "piece rate"}).content.decode()
    assert 'href="/en/legal-guides/pay-and-piece-rates/"' in html
    assert "工资与计件单价" not in html
    zh = client.get("/search/", {"q": "piece rate"}).content.decode()
    assert "/en/legal-guides/" not in zh


@pytest.mark.django_db
def test_search_does_not_match_unrelated_words(client, demo):
    html = client.get("/search/", {"q": "火箭发射"}).content.decode()
    assert "search-results" in html
    assert "计件单价" not in html


@pytest.mark.django_db
def test_search_with_markup_is_escaped(client, demo):
    response = client.get("/search/", {"q": '<img src=x onerror="alert(1)">工资'})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<img src=x" not in html
    assert "&lt;img src=x" in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query", ["工" * 2000, "a " * 1000, '"' * 50, "AND OR NOT", "*", "\x00工资", "😀"]
)
def test_search_survives_long_or_odd_queries(client, demo, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200


@pytest.mark.django_db
def test_long_query_is_cut_and_the_visitor_told(client, demo):
    html = client.get("/search/", {"q": "工资" + "x" * 2000}).content.decode()
    assert 'name="robots" content="noindex"' in html
    assert 'name="q" value="工资' + "x" * (MAX_QUERY_LENGTH - 2) + '"' in html
    assert "100" in html  # the notice that only the first 100 characters were used


@pytest.mark.django_db
def test_draft_pages_are_not_found(client, site_pages):
    guide = site_pages["zh"]["pay-and-piece-rates"]
    guide.unpublish()
    html = client.get("/search/", {"q": "计件单价"}).content.decode()
    assert "pay-and-piece-rates" not in html
