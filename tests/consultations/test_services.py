"""Consultation services: publish, open, comment and moderate, opinions, the written opinion,
the company's response, the flag and the escalation."""

import datetime as dt

import pytest

from bargaining.consultations import selectors, services
from bargaining.consultations.models import Comment, Opinion
from tests.consultations.conftest import NOW, publish
from unionhome.core.errors import DomainError

DURING = NOW + dt.timedelta(days=1)
AFTER = NOW + dt.timedelta(days=11)


def test_only_the_company_publishes(ctx):
    for actor in (ctx["riders"][0], ctx["union_admin"]):
        with pytest.raises(DomainError) as err:
            publish(ctx, actor=actor)
        assert err.value.status == 403
    with pytest.raises(DomainError) as err:
        publish(ctx, topic="holidays")
    assert err.value.code == services.ERR_TOPIC
    with pytest.raises(DomainError) as err:
        publish(ctx, planned_effective_on=NOW.date())
    assert err.value.code == services.ERR_DATE
    consultation = publish(ctx)
    assert selectors.status_of(consultation, NOW) == "draft"


def test_employer_representative_of_a_case_may_publish(ctx):
    from bargaining import demo as bargaining_demo

    bargaining_demo.seed(ctx)
    consultation = publish(ctx, actor=ctx["platform_side"][1], topic="commission")
    # The demo case has an open pay item: a commission rule touches it and links to it.
    assert consultation.agenda_item is not None
    assert consultation.agenda_item.topic == "pay"
    # Its appeal item (rewards and penalties) is agreed already: no link.
    assert publish(ctx, topic="account_suspension").agenda_item is None
    assert consultation.agenda_item.case == ctx["case"]


def test_only_union_staff_open_and_only_once(ctx):
    consultation = publish(ctx)
    with pytest.raises(DomainError) as err:
        services.consultation_open(
            actor=ctx["company_user"], consultation=consultation, closes_at=AFTER, now=NOW
        )
    assert err.value.status == 403
    with pytest.raises(DomainError):
        services.consultation_open(
            actor=ctx["union_admin"], consultation=consultation, closes_at=NOW, now=NOW
        )
    services.consultation_open(
        actor=ctx["union_admin"], consultation=consultation, closes_at=AFTER, now=NOW
    )
    with pytest.raises(DomainError) as err:
        services.consultation_open(
            actor=ctx["union_admin"], consultation=consultation, closes_at=AFTER, now=NOW
        )
    assert err.value.status == 409


def test_opinion_once_only_while_open_members_only(ctx, consultation):
    rider = ctx["riders"][0]
    with pytest.raises(DomainError) as err:
        services.opinion_give(member=rider, consultation=consultation, position="maybe", now=DURING)
    assert err.value.code == services.ERR_POSITION
    services.opinion_give(member=rider, consultation=consultation, position="oppose", now=DURING)
    with pytest.raises(DomainError) as err:
        services.opinion_give(
            member=rider, consultation=consultation, position="support", now=DURING
        )
    assert err.value.status == 409 and err.value.code == services.ERR_ALREADY
    with pytest.raises(DomainError) as err:
        services.opinion_give(
            member=ctx["riders"][1], consultation=consultation, position="support", now=AFTER
        )
    assert err.value.status == 409 and err.value.code == services.ERR_NOT_OPEN
    for outsider in (ctx["outsider"], ctx["company_user"]):
        with pytest.raises(DomainError) as err:
            services.opinion_give(
                member=outsider, consultation=consultation, position="support", now=DURING
            )
        assert err.value.status == 403
    assert Opinion.objects.count() == 1


def test_results_only_after_close(ctx, consultation):
    services.opinion_give(
        member=ctx["riders"][0], consultation=consultation, position="oppose", now=DURING
    )
    services.opinion_give(
        member=ctx["riders"][1], consultation=consultation, position="neutral", now=DURING
    )
    with pytest.raises(DomainError) as err:
        selectors.results(consultation, DURING)
    assert err.value.status == 409
    assert selectors.results(consultation, AFTER) == {
        "support": 0,
        "oppose": 1,
        "neutral": 1,
        "total": 2,
    }


def test_comments_are_moderated_and_anonymised(ctx, consultation):
    first = services.comment_add(
        member=ctx["riders"][0], consultation=consultation, text="<b>降价</b>不合理", now=DURING
    )
    second = services.comment_add(
        member=ctx["riders"][1], consultation=consultation, text="雨天补贴太少", now=DURING
    )
    assert selectors.comments_public(consultation) == []
    with pytest.raises(DomainError):
        services.comment_moderate(actor=ctx["riders"][2], comment=first, approve=True)
    services.comment_moderate(actor=ctx["union_admin"], comment=first, approve=True)
    services.comment_moderate(actor=ctx["union_admin"], comment=second, approve=False)
    public = selectors.comments_public(consultation)
    assert [c["text"] for c in public] == ["<b>降价</b>不合理"]
    assert public[0]["author"] in ("会员 1", "Member 1")
    assert "张伟" not in str(public)
    with pytest.raises(DomainError) as err:
        services.comment_add(
            member=ctx["riders"][0], consultation=consultation, text="x", now=AFTER
        )
    assert err.value.status == 409
    assert Comment.objects.count() == 2


def _answered(ctx, consultation, effective_on=dt.date(2026, 4, 1)):
    services.written_opinion_set(
        actor=ctx["union_admin"],
        consultation=consultation,
        union_position="反对降低基础配送费。",
        main_points="多数会员认为降价后收入低于最低工资。",
        requests=["维持 4.5 元基础费", "恶劣天气补贴提高到 2 元"],
        now=AFTER,
    )
    services.written_opinion_send(actor=ctx["union_admin"], consultation=consultation, now=AFTER)
    requests = list(consultation.requests.all())
    return services.response_record(
        actor=ctx["company_user"],
        consultation=consultation,
        answers={
            requests[0].pk: ("partly", "基础费调整为 4.4 元"),
            requests[1].pk: ("accepted", ""),
        },
        final_text="基础配送费 4.4 元；恶劣天气补贴 2 元。",
        effective_on=effective_on,
        now=AFTER,
    )


def test_written_opinion_send_and_company_response(ctx, consultation):
    with pytest.raises(DomainError) as err:
        services.written_opinion_set(
            actor=ctx["union_admin"],
            consultation=consultation,
            union_position="x",
            main_points="",
            requests=["y"],
            now=DURING,
        )
    assert err.value.status == 409
    with pytest.raises(DomainError) as err:
        services.written_opinion_send(actor=ctx["union_admin"], consultation=consultation)
    assert err.value.status == 409
    consultation = _answered(ctx, consultation)
    assert selectors.status_of(consultation, AFTER) == "answered"
    assert [r.answer for r in consultation.requests.all()] == ["partly", "accepted"]
    assert selectors.flag_of(consultation) is None
    with pytest.raises(DomainError) as err:
        _answered(ctx, consultation)
    assert err.value.status == 409


def test_response_needs_every_answer_and_reasons(ctx, consultation):
    services.written_opinion_set(
        actor=ctx["union_admin"],
        consultation=consultation,
        union_position="反对",
        main_points="",
        requests=["维持原价"],
        now=AFTER,
    )
    services.written_opinion_send(actor=ctx["union_admin"], consultation=consultation, now=AFTER)
    request = consultation.requests.get()
    kwargs = {"consultation": consultation, "final_text": "x", "effective_on": dt.date(2026, 4, 1)}
    with pytest.raises(DomainError) as err:
        services.response_record(actor=ctx["company_user"], answers={}, **kwargs)
    assert err.value.code == services.ERR_ANSWER
    with pytest.raises(DomainError) as err:
        services.response_record(
            actor=ctx["company_user"], answers={request.pk: ("rejected", " ")}, **kwargs
        )
    assert err.value.code == services.ERR_REQUIRED
    with pytest.raises(DomainError) as err:
        services.response_record(
            actor=ctx["union_admin"], answers={request.pk: ("accepted", "")}, **kwargs
        )
    assert err.value.status == 403


def test_rule_in_force_without_consultation_is_flagged_and_escalated(ctx):
    consultation = publish(ctx)
    with pytest.raises(DomainError) as err:
        services.escalate(
            actor=ctx["union_admin"], consultation=consultation, kind="summons_request", text="x"
        )
    assert err.value.code == services.ERR_NOT_FLAGGED
    consultation = services.rule_effective_record(
        actor=ctx["union_admin"], consultation=consultation, effective_on=dt.date(2026, 3, 5)
    )
    assert selectors.flag_of(consultation) == "no_consultation"
    escalation = services.escalate(
        actor=ctx["union_admin"],
        consultation=consultation,
        kind="summons_request",
        text="请求人社局约谈该公司",
    )
    with pytest.raises(DomainError):
        services.escalation_outcome_record(
            actor=ctx["company_user"], escalation=escalation, outcome="x"
        )
    services.escalation_outcome_record(
        actor=ctx["union_admin"], escalation=escalation, outcome="已约谈，公司暂停新规"
    )
    assert any("已约谈" in what for _, what in selectors.timeline(consultation))


def test_rule_in_force_before_the_close_is_flagged(ctx, consultation):
    consultation = services.rule_effective_record(
        actor=ctx["company_user"], consultation=consultation, effective_on=DURING.date()
    )
    assert selectors.flag_of(consultation) == "before_close"
    with pytest.raises(DomainError):
        services.consultation_open(
            actor=ctx["union_admin"], consultation=publish(ctx), closes_at=NOW, now=NOW
        )


def test_visibility(ctx, consultation):
    draft = publish(ctx, title="草案（未开放）")
    member = ctx["riders"][0]
    assert [c.pk for c in selectors.consultations_visible(member)] == [consultation.pk]
    assert {c.pk for c in selectors.consultations_visible(ctx["union_admin"])} == {
        consultation.pk,
        draft.pk,
    }
    assert {c.pk for c in selectors.consultations_visible(ctx["company_user"])} == {
        consultation.pk,
        draft.pk,
    }
    assert selectors.consultations_visible(ctx["outsider"]) == []
    assert selectors.consultations_visible(ctx["platform_side"][2]) == []
