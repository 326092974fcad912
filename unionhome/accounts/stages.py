"""Login stages that differ from allauth's defaults."""

from allauth.account.adapter import get_adapter
from allauth.account.stages import PhoneVerificationStage


class PhoneVerificationUnlessNoPhone(PhoneVerificationStage):
    """Phone sign-up makes a phone required, and allauth then aborts the login of every
    account without one. Accounts made by `createsuperuser` or in the admin (staff) have no
    phone and log in by username and password (then TOTP where required): let them through.
    An account with an unverified phone still has to verify it."""

    def handle(self):
        user = self.login.user
        if user is not None and get_adapter().get_phone(user) is None:
            return None, True
        return super().handle()
