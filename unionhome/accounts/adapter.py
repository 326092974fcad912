"""The single place where allauth is customised: phone numbers and SMS delivery."""

from allauth.account.adapter import DefaultAccountAdapter
from django import forms
from django.utils.translation import gettext as _

from unionhome.accounts.phones import normalize_mainland_mobile
from unionhome.errors import DomainError
from unionhome.models import PhoneNumber
from unionhome.sms import send_sms


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
        send_sms(
            phone,
            _("Your Union e-Home verification code is %(code)s. It expires in 5 minutes.")
            % {"code": code},
        )

    def send_unknown_account_sms(self, phone: str, **kwargs):
        send_sms(
            phone,
            _("Someone asked to log in to Union e-Home with this number, but no account uses it."),
        )

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
