"""Finding 9, caucus gaps: the other side of the table learns no caucus content, only that
the shared ``seq`` skipped numbers (kept on purpose: docs/security.md, "Residual risks")."""

import json

import pytest

from bargaining import consumers, services

pytestmark = pytest.mark.django_db

SECRET = "我方底线是8.2元-不可外传"


@pytest.fixture
def caucus(demo):
    case = demo["case"]
    result = services.chat_send(case=case, by=demo["union_side"][1], room="caucus", text=SECRET)
    return demo, case, result.seq


def test_the_employer_side_reads_no_union_caucus_event_by_api_or_socket(client, caucus):
    demo, case, secret_seq = caucus
    employer = demo["platform_side"][0]
    client.force_login(employer)
    response = client.get(f"/api/v1/bargaining/cases/{case.pk}/events?after=0&limit=500")
    assert response.status_code == 200
    text = json.dumps(response.json(), ensure_ascii=False)
    assert SECRET not in text and "union_caucus" not in text
    api_seqs = [event["seq"] for event in response.json()]
    frames, _more = consumers._replay.func(case.pk, employer, 0)
    replayed = [json.loads(encoded) for _seq, encoded in frames]
    assert frames and all(SECRET not in encoded for _seq, encoded in frames)
    assert {frame["audience"] for frame in replayed} <= {"table", "employer_caucus"}
    # What the other side does learn: a number is missing from the sequence it sees.
    assert secret_seq not in api_seqs
    assert secret_seq not in [frame["seq"] for frame in replayed]


def test_the_union_side_reads_its_own_caucus(client, caucus):
    demo, case, secret_seq = caucus
    client.force_login(demo["union_side"][0])
    response = client.get(f"/api/v1/bargaining/cases/{case.pk}/events?after=0&limit=500")
    assert SECRET in json.dumps(response.json(), ensure_ascii=False)
    assert secret_seq in [event["seq"] for event in response.json()]
