"""What a worker meets when joining: who they join, where they are in three steps, worker
types in plain words with "not sure" allowed, 验证码 wording, and a greeting by name."""

import pytest
from django.utils import translation

from tests.membership.helpers import new_user, token_for, valid_id
from unionhome.core import roles
from unionhome.membership.models import Membership, PhoneNumber

pytestmark = pytest.mark.django_db


@pytest.fixture
def core(db):
    from unionhome.core.demo import seed_core

    return seed_core()


def test_anonymous_join_shows_the_union_and_step_one(client, core):
    page = client.get(f"/join/{token_for(core['union'])}/").content.decode()
    assert f"您正在加入 <strong>{core['union'].name}</strong>" in page
    assert 'aria-current="step"><span class="step-no">1</span> 手机号码' in page
    assert "验证码" in page and "无需设置密码" in page


def test_form_explains_worker_types_and_accepts_not_sure(client, core):
    user = new_user()
    client.force_login(user)
    path = f"/join/{token_for(core['union'])}/"
    page = client.get(path).content.decode()
    assert 'aria-current="step"><span class="step-no">2</span>' in page
    assert "不确定" in page and "没关系，工会会帮你弄清楚。" in page
    assert "平台给你派单、考核你，但不是劳动合同" in page
    data = {
        "full_name": "王小明",
        "phone": "13912340077",
        "id_number": valid_id(33),
        "worker_type": "unsure",
        "consent": "on",
    }
    assert client.post(path, data).status_code == 302
    membership = Membership.objects.get(user=user)
    assert membership.worker_type == "unsure"
    # Greeted by the name given in the application, not by the generated username.
    assert roles.display_name(user) == "王小明"
    home = client.get(path, follow=True).content.decode()
    assert '<span class="member-name">王小明</span>' in home
    assert f'<span class="member-name">{user.username}</span>' not in home


def test_display_name_falls_back_to_a_masked_phone(core):
    user = new_user()
    PhoneNumber.objects.create(user=user, phone="+8613912345678", verified=True)
    assert roles.display_name(user) == "139****5678"
    user.first_name, user.last_name = "小红", "李"
    user.save()
    assert roles.display_name(user).replace(" ", "") in ("小红李", "李小红")


@pytest.mark.parametrize(
    "msgid",
    ["Incorrect code.", "Code", "Enter Sign-In Code", "Request new code", "Sign-In Code"],
)
def test_codes_are_called_yanzhengma_not_daima(msgid):
    with translation.override("zh-hans"):
        text = translation.gettext(msgid)
    assert "验证码" in text and "代码" not in text


# --- Step 1 on one screen: mobile number, "get verification code", the code -----------------

PHONE = "13912340123"
JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def outbox():
    from django.core.cache import cache

    from unionhome.core import sms

    sms.outbox.clear()
    cache.clear()
    return sms.outbox


def _code_sent(outbox, phone=PHONE) -> str:
    import re

    messages = [text for to, text in outbox if to.endswith(phone)]
    assert messages, outbox
    return re.search(r"\b(\d{6})\b", messages[-1]).group(1)


def test_step_one_has_the_number_the_code_button_and_the_code_field(client, core):
    page = client.get(f"/join/{token_for(core['union'])}/").content.decode()
    assert 'name="phone"' in page and 'name="code"' in page
    assert 'autocomplete="one-time-code"' in page
    assert ">获取验证码</button>" in page
    # The countdown length comes from the server's resend limit.
    assert 'data-seconds="60"' in page and "{s} 秒后重新获取" in page
    assert 'name="password' not in page
    assert "代码" not in page
    assert "<script>" not in page and "unionhome/join_code.js" in page


def test_a_second_code_within_60_seconds_is_refused(client, core, outbox, monkeypatch):
    import time

    path = f"/join/{token_for(core['union'])}/"
    first = client.post(path, {"phone": PHONE, "send_code": "1"}, **JSON)
    assert first.status_code == 200
    assert first.json()["wait"] == 60 and "139****0123" in first.json()["detail"]
    assert len(outbox) == 1
    # Another browser (no shared session) is refused too: the limit is per number.
    from django.test import Client

    again = Client().post(path, {"phone": PHONE, "send_code": "1"}, **JSON)
    assert again.status_code == 429
    assert 0 < again.json()["wait"] <= 60 and "秒" in again.json()["detail"]
    assert len(outbox) == 1
    # Without the script the page comes back with the button counting down.
    page = client.post(path, {"phone": PHONE, "send_code": "1"}).content.decode()
    assert "秒后可重新获取" in page and "disabled" in page and len(outbox) == 1
    # A minute later a new code may go out.
    now = time.time() + 61
    monkeypatch.setattr(time, "time", lambda: now)
    assert client.post(path, {"phone": PHONE, "send_code": "1"}, **JSON).status_code == 200
    assert len(outbox) == 2


def test_a_bad_number_gets_a_readable_4xx(client, core, outbox):
    path = f"/join/{token_for(core['union'])}/"
    response = client.post(path, {"phone": "12345", "send_code": "1"}, **JSON)
    assert response.status_code == 422 and "手机号" in response.json()["detail"]
    assert outbox == []


def test_the_right_code_signs_up_without_a_password_and_leads_to_step_two(client, core, outbox):
    from django.contrib.auth import get_user_model

    path = f"/join/{token_for(core['union'])}/"
    client.post(path, {"phone": PHONE, "send_code": "1"}, **JSON)
    wrong = client.post(path, {"phone": PHONE, "code": "000000"}).content.decode()
    assert (
        "验证码不正确。" in wrong
        and not get_user_model().objects.filter(phone_number__phone="+86" + PHONE).exists()
    )
    response = client.post(path, {"phone": PHONE, "code": _code_sent(outbox)})
    assert response.status_code == 302 and response["Location"] == path
    user = get_user_model().objects.get(phone_number__phone="+86" + PHONE)
    assert user.phone_number.verified and not user.has_usable_password()
    page = client.get(path).content.decode()
    assert 'aria-current="step"><span class="step-no">2</span>' in page
    assert f'<span class="member-name">{user.username}</span>' not in page


def test_an_existing_account_logs_in_by_code(client, core, outbox):
    user = new_user()
    PhoneNumber.objects.create(user=user, phone="+86" + PHONE, verified=False)
    path = f"/join/{token_for(core['union'])}/"
    client.post(path, {"phone": PHONE, "send_code": "1"}, **JSON)
    assert client.post(path, {"phone": PHONE, "code": _code_sent(outbox)}).status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk
    user.phone_number.refresh_from_db()
    assert user.phone_number.verified


def test_wrong_codes_run_out(client, core, outbox):
    path = f"/join/{token_for(core['union'])}/"
    client.post(path, {"phone": PHONE, "send_code": "1"}, **JSON)
    for _ in range(5):
        client.post(path, {"phone": PHONE, "code": "000000"})
    page = client.post(path, {"phone": PHONE, "code": _code_sent(outbox)}).content.decode()
    assert "错误的验证码太多" in page and "_auth_user_id" not in client.session


def test_no_allauth_message_says_daima():
    """Every message allauth's own Chinese renders with 代码 is overridden in our catalog."""
    from pathlib import Path

    import allauth
    import polib

    catalog = Path(allauth.__file__).parent / "locale/zh_Hans/LC_MESSAGES/django.po"
    theirs = [e.msgid for e in polib.pofile(str(catalog)) if "代码" in e.msgstr]
    assert len(theirs) > 20
    with translation.override("zh-hans"):
        still = [msgid for msgid in theirs if "代码" in translation.gettext(msgid)]
    assert still == []
