"""allauth's code pages with the join screen's resend rule: one SMS code per number per
minute (``sms_codes.claim_send``), refused with a readable message, and the seconds left
given to the page so its "resend" button counts them down."""

import time

from allauth.account.views import ConfirmLoginCodeView
from allauth.account.views._phone import _VerifyPhoneChangeView, _VerifyPhoneSignupView
from django.contrib import messages
from django.http import HttpResponseRedirect

from unionhome.accounts import sms_codes
from unionhome.core.errors import DomainError


class ResendCountdownMixin:
    def _code_phone(self) -> str | None:
        process = getattr(self, "_process", None) or getattr(self, "process", None)
        return process.state.get("phone") if process is not None else None

    def _resend_form_valid(self, form):
        phone = self._code_phone()
        if phone:
            try:
                sms_codes.claim_send(phone=phone, now=time.time())
            except DomainError as error:
                messages.error(self.request, error.detail)
                return HttpResponseRedirect(self.request.get_full_path())
        return super()._resend_form_valid(form)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        phone = self._code_phone()
        context["resend_wait"] = (
            sms_codes.seconds_until_resend_to(phone=phone, now=time.time()) if phone else 0
        )
        context["resend_seconds"] = sms_codes.RESEND_SECONDS
        return context


class ConfirmLoginCode(ResendCountdownMixin, ConfirmLoginCodeView):
    pass


class VerifyPhoneSignup(ResendCountdownMixin, _VerifyPhoneSignupView):
    pass


class VerifyPhoneChange(ResendCountdownMixin, _VerifyPhoneChangeView):
    pass


confirm_login_code = ConfirmLoginCode.as_view()


def verify_phone(request):
    # As allauth's own verify_phone: a signed-in user is changing their number.
    if request.user.is_authenticated:
        return VerifyPhoneChange.as_view()(request)
    return VerifyPhoneSignup.as_view()(request)
