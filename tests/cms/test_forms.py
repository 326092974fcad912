"""The survey form: good answers are kept, bad ones are refused clearly, nothing unescaped."""

import pytest

pytestmark = pytest.mark.django_db


def _field_names(page):
    return {field.label: field.clean_name for field in page.get_form_fields()}


def _good_answers(page):
    names = _field_names(page)
    return {
        names["您主要在哪个平台接单？"]: "美团",
        names["您平常每天在线多少小时？"]: "10",
        names["您最关心的问题是什么？"]: "休息",
        names["还有什么想告诉工会的？"]: "希望增加驿站",
    }


def test_survey_answers_are_stored(client, site_pages):
    page = site_pages["zh"]["survey"]
    response = client.post("/survey/", _good_answers(page))
    assert response.status_code == 200
    assert "谢谢" in response.content.decode()
    submission = page.get_submissions().get()
    assert str(submission.get_data()[_field_names(page)["您平常每天在线多少小时？"]]) == "10"


def test_missing_required_answers_are_refused_with_messages(client, site_pages):
    page = site_pages["zh"]["survey"]
    answers = _good_answers(page)
    del answers[_field_names(page)["您主要在哪个平台接单？"]]
    response = client.post("/survey/", answers)
    assert response.status_code == 200
    assert 'class="errorlist' in response.content.decode()
    assert not page.get_submissions().exists()


def test_choice_outside_the_list_is_refused(client, site_pages):
    page = site_pages["zh"]["survey"]
    answers = _good_answers(page)
    answers[_field_names(page)["您最关心的问题是什么？"]] = "<b>hack</b>"
    response = client.post("/survey/", answers)
    assert 'class="errorlist' in response.content.decode()
    assert "<b>hack</b>" not in response.content.decode()
    assert not page.get_submissions().exists()


def test_malicious_text_is_kept_as_text_and_shown_escaped(client, site_pages):
    page = site_pages["zh"]["survey"]
    answers = _good_answers(page)
    free_text = _field_names(page)["还有什么想告诉工会的？"]
    answers[free_text] = '<script>alert("x")</script>'
    answers["unknown_field"] = "ignored"
    answers["csrfmiddlewaretoken"] = "whatever"
    client.post("/survey/", answers)
    data = page.get_submissions().get().get_data()
    assert data[free_text] == '<script>alert("x")</script>'
    assert "unknown_field" not in data
    # Re-displayed with errors, the value is escaped.
    del answers[_field_names(page)["您主要在哪个平台接单？"]]
    html = client.post("/survey/", answers).content.decode()
    assert '<script>alert("x")</script>' not in html
    assert "&lt;script&gt;" in html


def test_form_pages_are_never_shared_cache_material(client, demo):
    response = client.get("/en/survey/")
    assert response.status_code == 200
    assert "public" not in response["Cache-Control"]
    assert "csrfmiddlewaretoken" in response.content.decode()
    posted = client.post("/en/survey/", {})
    assert "no-cache" in posted["Cache-Control"]
