"""The second-factor pages of the admin: verify, enrol, recovery codes, log out everywhere.

The gate (staff/middleware.py) decides who must come here; these pages only do the step.
"""

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth import logout
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.models import AuditAction
from audit.record import record
from staff import mfa, sessions
from staff.forms import CodeForm


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if safe else reverse("admin:index")


def page(request, template: str, title: str, **context):
    """One of these pages, in the admin's layout."""
    return render(
        request,
        template,
        {**admin.site.each_context(request), "title": title, "next": _next(request), **context},
    )


@staff_member_required
def verify(request):
    """The second step of a login: a code from the app, a recovery code, or a passkey."""
    if request.user.is_verified():
        return redirect(_next(request))
    if not mfa.has_second_factor(request.user):
        return redirect(f"{reverse('staff:enrol')}?{request.GET.urlencode()}")
    form = CodeForm(request.POST or None)
    if form.is_valid():
        refused = mfa.verify_code(request, form.cleaned_data["code"])
        if refused is None:
            return redirect(_next(request))
        form.add_error("code", refused)
    return page(
        request,
        "staff/verify.html",
        _("Second factor"),
        form=form,
        has_passkey=mfa.has_passkey(request.user),
        is_nav_sidebar_enabled=False,  # no list of the admin's models before the factor
    )


@staff_member_required
def enrol(request):
    """Add an authenticator app or a passkey. A user who has a device but has not used it
    in this session verifies first: a stolen password must not add the thief's device."""
    user = request.user
    if mfa.has_second_factor(user) and not user.is_verified():
        return redirect(f"{reverse('staff:verify')}?{request.GET.urlencode()}")
    device = mfa.pending_totp_device(user)
    form = CodeForm(request.POST or None)
    if form.is_valid():
        refused = mfa.confirm_totp(request, device=device, code=form.cleaned_data["code"])
        if refused is None:
            messages.success(request, _("Your authenticator app is set up."))
            return redirect(f"{reverse('staff:recovery')}?{request.GET.urlencode()}")
        form.add_error("code", refused)
    return page(
        request,
        "staff/enrol.html",
        _("Set up a second factor"),
        form=form,
        **mfa.totp_setup(device),
        required=mfa.must_use_second_factor(user),
        is_nav_sidebar_enabled=False,
    )


@staff_member_required
def recovery(request):
    """New recovery codes, shown once; only for a user who has an app or a passkey."""
    user = request.user
    codes = None
    if request.method == "POST":
        if not mfa.primary_devices(user):
            messages.error(request, _("Set up an authenticator app or a passkey first."))
            return redirect("staff:enrol")
        codes = mfa.new_recovery_codes(user=user)
    return page(
        request,
        "staff/recovery.html",
        _("Recovery codes"),
        codes=codes,
        left=mfa.recovery_codes_left(user),
    )


@staff_member_required
def security(request):
    """The user's devices, and the buttons to add one or to log out everywhere."""
    user = request.user
    return page(
        request,
        "staff/security.html",
        _("Your logins"),
        devices=mfa.primary_devices(user),
        left=mfa.recovery_codes_left(user),
        idle_minutes=settings.STAFF_IDLE_MINUTES,
        session_hours=settings.STAFF_SESSION_HOURS,
    )


@require_POST
@staff_member_required
def logout_everywhere(request):
    """End every session of the user, this one included."""
    user = request.user
    ended = sessions.end_all_sessions(user=user)
    record(
        AuditAction.LOGOUT_EVERYWHERE,
        request=request,
        what="staff login",
        detail={"sessions": ended},
    )
    logout(request)
    return redirect("admin:login")
