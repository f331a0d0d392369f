from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    """Staff logins: the second factor (django-otp, django-otp-webauthn), the limits of a
    staff session and logging out everywhere (docs/security.md "Second factor")."""

    name = "staff"
    verbose_name = _("Staff logins")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from staff.sessions import stamp_login

        user_logged_in.connect(stamp_login, dispatch_uid="staff-stamp-login")
