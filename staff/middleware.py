"""The staff side's gate: after Django's authentication and django-otp's OTPMiddleware.

For every admin URL (its pages, its JSON and autocomplete views, the exchange pages) and
this app's own: a session idle or too old is ended, and a user who owes a second factor
reaches only the pages that take it (verify, enrol) until this session is verified.
"""

from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from staff import mfa, sessions

GATED_NAMESPACES = {"admin", "staff", "otp_webauthn"}
# Reached without a verified second factor: logging in and out, and giving or enrolling one.
OPEN_VIEWS = {
    "admin:login",
    "admin:logout",
    "staff:verify",
    "staff:enrol",
    "otp_webauthn:credential-registration-begin",
    "otp_webauthn:credential-registration-complete",
    "otp_webauthn:credential-authentication-begin",
    "otp_webauthn:credential-authentication-complete",
    "otp_webauthn:js-i18n-catalog",
}


class StaffSessionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if not GATED_NAMESPACES & set(match.namespaces) or not request.user.is_authenticated:
            return None
        if sessions.expired(request.session):
            logout(request)
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        sessions.touch(request.session)
        if match.view_name in OPEN_VIEWS or request.user.is_verified():
            return None
        step = second_factor_step(request.user)
        if step is None:
            return None
        return redirect(f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}")


def second_factor_step(user) -> str | None:
    """Where an unverified session goes: to verify with a device the user has, to enrol
    one if they must have one, or nowhere."""
    if mfa.has_second_factor(user):
        return "staff:verify"
    if mfa.must_use_second_factor(user):
        return "staff:enrol"
    return None
