import pytest
from django.contrib.auth import get_user_model

from bargaining.models import AgendaItem, Case, Event
from unionhome import roles
from unionhome.models import UnionStaff

pytestmark = pytest.mark.django_db
CASES = "/admin/snippets/bargaining/case/"
ITEMS = "/admin/snippets/bargaining/agendaitem/"
WAGES = "/admin/snippets/bargaining/minimumwage/"


@pytest.fixture
def other_staff(demo):
    user = get_user_model().objects.create_user("other_staff", password="x", is_staff=True)
    user.groups.add(demo["groups"][roles.UNION_STAFF])
    UnionStaff.objects.create(union=demo["regional"], user=user)
    return user


def test_union_staff_see_their_cases_only(client, demo, case, other_staff):
    client.force_login(demo["union_admin"])
    body = client.get(CASES).content.decode()
    assert case.title in body
    client.force_login(other_staff)
    response = client.get(CASES)
    assert response.status_code == 200 and case.title not in response.content.decode()
    assert client.get(f"{CASES}edit/{case.pk}/").status_code in (403, 302)
    assert case.items.first().title not in client.get(ITEMS).content.decode()


def test_staff_open_a_case_with_both_sides_through_the_services(client, demo):
    client.force_login(demo["union_admin"])
    User = get_user_model()
    union = [User.objects.create_user(f"nu{i}") for i in range(3)]
    employer = [User.objects.create_user(f"ne{i}") for i in range(3)]
    negotiators = demo["groups"][roles.NEGOTIATORS]
    for user in union + employer:
        user.groups.add(negotiators)
    response = client.post(
        f"{CASES}add/",
        {
            "union": demo["union"].pk,
            "title": "Admin case",
            "employer": "Another platform",
            "employer_kind": "platform",
            "region_code": "310115",
            "requested_by_side": "union",
            "request_text": "We request talks.",
            "union_representatives": [u.pk for u in union],
            "union_chief": union[0].pk,
            "employer_representatives": [u.pk for u in employer],
            "employer_chief": employer[0].pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    case = Case.objects.get(title="Admin case")
    assert case.answer_due is not None and case.chief("union") == union[0]
    kinds = list(Event.objects.filter(case=case).values_list("kind", flat=True))
    assert kinds == ["request.sent", "representatives.changed", "representatives.changed"]


def test_admin_refuses_a_person_on_both_sides(client, demo):
    client.force_login(demo["union_admin"])
    User = get_user_model()
    people = [User.objects.create_user(f"np{i}") for i in range(5)]
    for user in people:
        user.groups.add(demo["groups"][roles.NEGOTIATORS])
    response = client.post(
        f"{CASES}add/",
        {
            "union": demo["union"].pk,
            "title": "Bad case",
            "employer": "X",
            "employer_kind": "platform",
            "requested_by_side": "union",
            "request_text": "Talks.",
            "union_representatives": [p.pk for p in people[:3]],
            "union_chief": people[0].pk,
            "employer_representatives": [p.pk for p in people[2:5]],
            "employer_chief": people[3].pk,
        },
    )
    assert response.status_code == 200
    assert not Case.objects.filter(title="Bad case").exists()


def test_staff_add_an_item_with_a_throughput_csv(client, demo, case):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(demo["union_admin"])
    response = client.post(
        f"{ITEMS}add/",
        {
            "case": case.pk,
            "topic": "protection",
            "title": "Daily order quota",
            "value_kind": "quantity",
            "unit": "单/天",
            "statutory_check": "labour_quota",
            "position": 5,
            "throughput_csv": SimpleUploadedFile("t.csv", b"id,per_hour\n1,2\n2,3\n3,4\n"),
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    item = AgendaItem.objects.get(title="Daily order quota")
    assert item.throughput_sample == ["2", "3", "4"]
    assert Event.objects.filter(case=case, kind="item.added", payload__item=item.pk).exists()


def test_minimum_wage_table_is_edited_by_federation_staff_only(client, demo):
    client.force_login(demo["union_admin"])
    assert client.get(WAGES).status_code == 200
    assert client.get(f"{WAGES}add/").status_code in (302, 403)
    client.force_login(demo["admin"])
    assert client.get(f"{WAGES}add/").status_code == 200


def test_admin_forms_render(client, demo, case):
    client.force_login(demo["union_admin"])
    assert client.get(f"{CASES}add/").status_code == 200
    edit = client.get(f"{CASES}edit/{case.pk}/")
    assert edit.status_code == 200 and "union_representatives" in edit.content.decode()
    item = case.items.first()
    assert client.get(f"{ITEMS}edit/{item.pk}/").status_code == 200
