"""The single place where allauth is customised: phone numbers and SMS delivery."""

import time

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.core.ratelimit import respond_429
from allauth.usersessions.adapter import DefaultUserSessionsAdapter
from django import forms
from django.http import JsonResponse
from django.utils.translation import gettext as _

from unionhome.accounts import sms_codes
from unionhome.accounts.phones import normalize_mainland_mobile
from unionhome.accounts.signals import sessions_ended
from unionhome.core import sms
from unionhome.core.errors import DomainError
from unionhome.core.sms import send_sms
from unionhome.membership.models import PhoneNumber


class MainlandPhoneField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("label", _("Mobile number"))
        super().__init__(**kwargs)
        self.widget.attrs.update(
            {"inputmode": "tel", "autocomplete": "tel", "placeholder": "13800138000"}
        )

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return value
        try:
            return normalize_mainland_mobile(value)
        except DomainError as exc:
            raise forms.ValidationError(exc.detail, code=exc.code) from exc


class AccountAdapter(DefaultAccountAdapter):
    def get_login_stages(self) -> list[str]:
        stages = super().get_login_stages()
        return [
            "unionhome.accounts.stages.PhoneVerificationUnlessNoPhone"
            if path == "allauth.account.stages.PhoneVerificationStage"
            else path
            for path in stages
        ]

    def save_user(self, request, user, form, commit=True):
        # Phone-only sign-ups get a readable username from the number's last digits.
        phone = form.cleaned_data.get("phone") if hasattr(form, "cleaned_data") else None
        if phone and not form.cleaned_data.get("username"):
            form.cleaned_data["username"] = self.generate_unique_username(
                ["m" + phone[-4:], "member"]
            )
        return super().save_user(request, user, form, commit=commit)

    def phone_form_field(self, **kwargs):
        return MainlandPhoneField(**kwargs)

    def send_verification_code_sms(self, user, phone: str, code: str, **kwargs):
        # Every code allauth texts (login, sign-up, phone verification and change) passes here.
        self._take_sms_quota(phone)
        send_sms(
            phone,
            _("Your Union e-Home verification code is %(code)s. It expires in 5 minutes.")
            % {"code": code},
        )
        sms_codes.record_sent(phone=phone, now=time.time())

    def _take_sms_quota(self, phone: str) -> None:
        request = self.request
        address = self.get_client_ip(request) if request is not None else None
        try:
            sms.sms_quota_take(phone=phone, address=address)
        except sms.SmsRateLimited as exc:
            if request is not None and hasattr(getattr(request, "allauth", None), "headless"):
                body = {"status": 429, "detail": exc.detail, "code": exc.code}
                raise ImmediateHttpResponse(JsonResponse(body, status=429)) from exc
            raise ImmediateHttpResponse(respond_429(request)) from exc

    def send_unknown_account_sms(self, phone: str, **kwargs):
        # Never text a number without an account: anyone could make the site send SMS to any
        # number (cost, harassment) and learn nothing useful from it either way. The resend
        # countdown still starts, so the page does not tell whether the number has an account.
        sms_codes.record_sent(phone=phone, now=time.time())

    def send_account_already_exists_sms(self, phone: str) -> None:
        # allauth texts nothing here either; the countdown starts as if a code had gone out.
        sms_codes.record_sent(phone=phone, now=time.time())

    def set_phone(self, user, phone: str, verified: bool):
        PhoneNumber.objects.update_or_create(
            user=user, defaults={"phone": phone, "verified": verified}
        )

    def get_phone(self, user):
        record = PhoneNumber.objects.filter(user=user).first()
        if record is None:
            return None
        return record.phone, record.verified

    def set_phone_verified(self, user, phone: str):
        PhoneNumber.objects.filter(user=user, phone=phone).update(verified=True)

    def get_user_by_phone(self, phone: str):
        record = PhoneNumber.objects.filter(phone=phone).select_related("user").first()
        return record.user if record else None


class UserSessionsAdapter(DefaultUserSessionsAdapter):
    def end_sessions(self, sessions) -> None:
        sessions = list(sessions)
        super().end_sessions(sessions)
        user_ids = sorted({session.user_id for session in sessions})
        if user_ids:
            sessions_ended.send(sender=type(self), user_ids=user_ids)
