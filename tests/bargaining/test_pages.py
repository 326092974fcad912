import pytest
from django.urls import reverse
from django.utils import translation

from bargaining.models import Event

pytestmark = pytest.mark.django_db


def test_case_list_shows_only_visible_cases(client, demo, case):
    client.force_login(demo["union_side"][1])
    response = client.get(reverse("bargaining:case_list"))
    assert response.status_code == 200
    assert case.title in response.content.decode()
    client.force_login(demo["riders"][0])
    assert case.title not in client.get(reverse("bargaining:case_list")).content.decode()


def test_room_renders_positions_chart_and_own_caucus_only(client, demo, case):
    client.force_login(demo["platform_side"][0])
    response = client.get(reverse("bargaining:room", args=[case.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in body and "polyline" in body
    assert "可以让到 8 元。" in body  # employer caucus
    assert "配送费底线 8.5 元。" not in body  # union caucus
    assert "bargaining/room.js" in body


def test_room_is_404_for_outsiders(client, demo, case):
    client.force_login(demo["riders"][0])
    assert client.get(reverse("bargaining:room", args=[case.pk])).status_code == 404
    assert client.get(reverse("bargaining:minutes", args=[case.pk])).status_code == 404


def test_observer_sees_table_not_caucus_and_has_no_forms(client, demo, case):
    client.force_login(demo["union_admin"])
    body = client.get(reverse("bargaining:room", args=[case.pk])).content.decode()
    assert "配送费底线" not in body and "可以让到" not in body
    assert 'data-frame="offer.submit"' not in body


def test_offer_form_without_javascript(client, demo, case):
    pay = case.items.get(topic="pay")
    client.force_login(demo["union_side"][0])
    url = reverse("bargaining:item_command", args=[case.pk, pay.pk, "offer"])
    response = client.post(url, {"value": "8.45", "note": "form"})
    assert response.status_code == 302
    assert Event.objects.filter(case=case, kind="offer", payload__value="8.45").exists()
    response = client.post(url, {"value": "abc"}, follow=True)
    assert "error" in response.content.decode()


def test_minutes_in_english(client, demo, case):
    client.force_login(demo["union_side"][0])
    body = client.get("/en" + reverse("bargaining:minutes", args=[case.pk])).content.decode()
    assert "Round 1" in body and "tentatively agreed" in body
    assert "配送费底线 8.5 元。" in body  # own caucus is in own minutes
    assert "可以让到" not in body


def test_room_in_chinese_by_default(client, demo, case):
    client.force_login(demo["union_side"][0])
    # reverse() follows the active language, which an earlier request may have left on "en".
    with translation.override("zh-hans"):
        url = reverse("bargaining:room", args=[case.pk])
    assert not url.startswith("/en/")
    response = client.get(url)
    body = response.content.decode()
    assert "协商桌" in body and "出价" in body and "会议纪要" in body
    # The statutory warning on the employer's 8 yuan/order offer, in Chinese.
    assert "低于小时最低工资标准" in body


def test_room_warns_when_the_union_chief_is_not_the_chair(client, demo, case):
    from bargaining import case_setup
    from bargaining.models import Side

    client.force_login(demo["union_side"][1])
    url = "/en" + reverse("bargaining:room", args=[case.pk]).removeprefix("/en")
    assert "is not the union chair" not in client.get(url).content.decode()
    team = demo["union_side"]
    case_setup.representatives_set(
        case=case,
        side=Side.UNION,
        users=team,
        chief=team[1],
        by=demo["union_admin"],
        delegation={"delegator": "赵工会", "reference": "委托书2号"},
    )
    page = client.get(url).content.decode()
    assert "is not the union chair" in page
    # Art. 20: the written delegation is shown with its legal basis.
    assert "委托书2号" in page and "/en/legal-guides/collective-contract-rules/" in page


def test_room_in_english_names_items_case_and_units_in_english(client, demo, case):
    client.force_login(demo["union_side"][0])
    with translation.override("en"):
        url = reverse("bargaining:room", args=[case.pk])
    assert url.startswith("/en/")
    body = client.get(url).content.decode()
    pay = case.items.get(title_en="base delivery fee per order")
    assert case.title_en and f"<h1>{case.title_en}</h1>" in body
    assert pay.title not in body and pay.title_en in body
    assert "yuan/order" in body and "元/单" not in body
    # The Chinese page keeps the Chinese names.
    with translation.override("zh-hans"):
        chinese = client.get(reverse("bargaining:room", args=[case.pk])).content.decode()
    assert pay.title in chinese and "元/单" in chinese
