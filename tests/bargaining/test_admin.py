import pytest
from django.contrib.auth import get_user_model

from bargaining.models import AgendaItem, Case, Event
from unionhome.core import roles
from unionhome.membership.models import UnionStaff

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
    assert client.get(f"{CASES}edit/{case.pk}/").status_code == 404
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
    # Art. 20: nu0 is not the union chair, so the written delegation is required.
    assert response.status_code == 200
    assert "书面委托" in response.content.decode()
    assert not Case.objects.filter(title="Admin case").exists()
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
            "union_delegation": "委托书3号",
            "employer_representatives": [u.pk for u in employer],
            "employer_chief": employer[0].pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    case = Case.objects.get(title="Admin case")
    assert case.delegations.get(side="union").document_reference == "委托书3号"
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
    assert client.get(f"{WAGES}add/").status_code == 302
    client.force_login(demo["admin"])
    assert client.get(f"{WAGES}add/").status_code == 200


def test_admin_forms_render(client, demo, case):
    client.force_login(demo["union_admin"])
    assert client.get(f"{CASES}add/").status_code == 200
    edit = client.get(f"{CASES}edit/{case.pk}/")
    assert edit.status_code == 200 and "union_representatives" in edit.content.decode()
    item = case.items.first()
    assert client.get(f"{ITEMS}edit/{item.pk}/").status_code == 200


def case_form(case, **changes):
    """The edit form as the admin posts it: every field, with the teams as they stand."""
    data = {
        "title": case.title,
        "title_en": case.title_en,
        "employer": case.employer,
        "employer_en": case.employer_en,
        "employer_kind": case.employer_kind,
        "employer_legal_representative": case.employer_legal_representative,
        "region_code": case.region_code,
        "recorder": case.recorder_id or "",
    }
    for side in ("union", "employer"):
        reps = case.representatives.filter(active=True, side=side)
        data[f"{side}_representatives"] = [r.user_id for r in reps]
        data[f"{side}_chief"] = case.chief(side).pk
    data.update(changes)
    return data


def test_a_case_edited_in_the_admin_is_logged_and_in_the_minutes(client, demo, case):
    client.force_login(demo["union_admin"])
    before = case.last_seq
    response = client.post(
        f"{CASES}edit/{case.pk}/", case_form(case, title="Pay talks 2027", employer="New name")
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    case.refresh_from_db()
    assert case.title == "Pay talks 2027"
    event = Event.objects.get(case=case, kind="case.updated")
    assert event.seq == before + 1 == case.last_seq
    assert event.actor == demo["union_admin"]
    assert event.payload["fields"] == {"title": "Pay talks 2027", "employer": "New name"}
    minutes = client.get(f"/en/bargaining/{case.pk}/minutes/")
    assert "Case details changed" in minutes.content.decode()
    assert "New name" in minutes.content.decode()
    # Posting the same form again changes nothing and logs nothing.
    client.post(f"{CASES}edit/{case.pk}/", case_form(case))
    assert Event.objects.filter(case=case, kind="case.updated").count() == 1


def test_admin_team_rules_come_from_the_service(client, demo, case):
    client.force_login(demo["union_admin"])
    union = [r.user_id for r in case.representatives.filter(active=True, side="union")]
    before = case.last_seq
    response = client.post(
        f"{CASES}edit/{case.pk}/",
        case_form(case, union_representatives=union[:2], union_chief=union[0]),
    )
    assert response.status_code == 200
    errors = response.context["form"].non_field_errors().as_data()
    assert [error.code for error in errors] == ["too_few_representatives"]
    case.refresh_from_db()
    assert case.last_seq == before


def test_admin_moves_a_person_across_sides_in_one_step(client, demo, case):
    """Both teams are set together: a person may leave one side and join the other."""
    client.force_login(demo["union_admin"])
    union = [r.user_id for r in case.representatives.filter(active=True, side="union")]
    employer = [r.user_id for r in case.representatives.filter(active=True, side="employer")]
    User = get_user_model()
    newcomer = User.objects.create_user("newcomer")
    newcomer.groups.add(demo["groups"][roles.NEGOTIATORS])
    moved = union[-1]
    before = case.last_seq
    response = client.post(
        f"{CASES}edit/{case.pk}/",
        case_form(
            case,
            union_representatives=[*union[:-1], newcomer.pk],
            employer_representatives=[*employer[:-1], moved],
            employer_chief=employer[0],
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert case.representatives.get(active=True, user_id=moved).side == "employer"
    changes = Event.objects.filter(case=case, kind="representatives.changed", seq__gt=before)
    assert sorted(changes.values_list("payload__side", flat=True)) == ["employer", "union"]


def test_admin_grows_both_teams_during_talks_in_one_transaction(client, demo, case):
    """During talks the sides must stay equal (art. 19): adding one person to each side in
    one edit is allowed, because the service checks both teams as they will be. Saved one
    side at a time, the first side would be refused for being one larger than the other."""
    from bargaining.models import CaseStatus

    assert case.status == CaseStatus.ACTIVE
    client.force_login(demo["union_admin"])
    User = get_user_model()
    extra = []
    for name in ("union_extra", "employer_extra"):
        user = User.objects.create_user(name)
        user.groups.add(demo["groups"][roles.NEGOTIATORS])
        extra.append(user)
    union = [r.user_id for r in case.representatives.filter(active=True, side="union")]
    employer = [r.user_id for r in case.representatives.filter(active=True, side="employer")]
    before = case.last_seq
    response = client.post(
        f"{CASES}edit/{case.pk}/",
        case_form(
            case,
            union_representatives=[*union, extra[0].pk],
            employer_representatives=[*employer, extra[1].pk],
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    counts = {
        side: case.representatives.filter(active=True, side=side).count()
        for side in ("union", "employer")
    }
    assert counts == {"union": len(union) + 1, "employer": len(employer) + 1}
    changes = Event.objects.filter(case=case, kind="representatives.changed", seq__gt=before)
    assert sorted(changes.values_list("payload__side", flat=True)) == ["employer", "union"]


def test_admin_team_edit_refused_on_one_side_saves_neither(client, demo, case):
    """One transaction: when the second team breaks a rule, the first is not saved either."""
    client.force_login(demo["union_admin"])
    newcomer = get_user_model().objects.create_user("newcomer2")
    newcomer.groups.add(demo["groups"][roles.NEGOTIATORS])
    union = [r.user_id for r in case.representatives.filter(active=True, side="union")]
    employer = [r.user_id for r in case.representatives.filter(active=True, side="employer")]
    before = case.last_seq
    response = client.post(
        f"{CASES}edit/{case.pk}/",
        case_form(
            case,
            union_representatives=[*union[:-1], newcomer.pk],
            employer_representatives=employer[:2],
            employer_chief=employer[0],
        ),
    )
    assert response.status_code == 200
    errors = response.context["form"].non_field_errors().as_data()
    assert [error.code for error in errors] == ["too_few_representatives"]
    assert not case.representatives.filter(active=True, user=newcomer).exists()
    case.refresh_from_db()
    assert case.last_seq == before


def test_an_item_edited_in_the_admin_is_logged_and_in_the_minutes(client, demo, case):
    client.force_login(demo["union_admin"])
    item = case.items.filter(offers__isnull=True).first() or case.items.first()
    response = client.post(
        f"{ITEMS}edit/{item.pk}/",
        {
            "topic": item.topic,
            "title": "Renamed item",
            "title_en": item.title_en,
            "description": "Now with a description.",
            "value_kind": item.value_kind,
            "unit": item.unit,
            "unit_en": item.unit_en,
            "agreed_value_en": item.agreed_value_en,
            "statutory_check": item.statutory_check,
            "expected_per_hour": item.expected_per_hour or "",
            "position": item.position,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    event = Event.objects.get(case=case, kind="item.updated")
    assert event.payload["item"] == item.pk
    assert event.payload["fields"] == {
        "title": "Renamed item",
        "description": "Now with a description.",
    }
    minutes = client.get(f"/en/bargaining/{case.pk}/minutes/").content.decode()
    assert "Renamed item" in minutes and "Now with a description." in minutes


def test_item_kind_is_fixed_once_offers_exist(demo, case):
    from bargaining import case_edits
    from bargaining.models import Offer
    from unionhome.core.errors import Conflict

    item = case.items.filter(offers__isnull=False).first()
    assert item is not None, "the demo case has offers"
    with pytest.raises(Conflict):
        case_edits.item_update(item=item, by=demo["union_admin"], data={"unit": "other"})
    assert Offer.objects.filter(item=item).exists()
