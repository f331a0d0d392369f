"""Who must give a second factor, the devices that are one, and checking a code.

Devices are django-otp's: an authenticator app (TOTP), passkeys and security keys
(django-otp-webauthn) and recovery codes (django-otp's static tokens). A session is
verified once `django_otp.login` has recorded the device that verified it.
"""

import math
from base64 import b32encode
from functools import cache

import django_otp
import segno
from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from audit.models import AuditAction
from audit.record import record

RECOVERY_CODE_COUNT = 10
RECOVERY_DEVICE_NAME = "Recovery codes"


@cache
def sensitive_permissions() -> frozenset[str]:
    """Reading protected identities, publishing any kind of record (services.publish_
    permission), and approving change sets, which publishes them."""
    from cases.admin.protected import PROTECTED_IDENTITY_PERM
    from cases.models.base import Publishable
    from cases.services import publish_permission

    publishable = [
        m for m in apps.get_app_config("cases").get_models() if issubclass(m, Publishable)
    ]
    return frozenset(
        {PROTECTED_IDENTITY_PERM, "cases.approve_changeset"}
        | {publish_permission(model) for model in publishable}
    )


def must_use_second_factor(user) -> bool:
    """Everyone with IHL_MFA_REQUIRED=all; with `sensitive`, those who may read protected
    identities or publish (a superuser may do both)."""
    if settings.MFA_REQUIRED == "all" or user.is_superuser:
        return True
    return bool(user.get_all_permissions() & sensitive_permissions())


def primary_devices(user) -> list:
    """The user's confirmed authenticator apps and passkeys (not their recovery codes)."""
    return [
        *TOTPDevice.objects.devices_for_user(user, confirmed=True).order_by("pk"),
        *WebAuthnCredential.objects.devices_for_user(user, confirmed=True).order_by("pk"),
    ]


def has_passkey(user) -> bool:
    return WebAuthnCredential.objects.devices_for_user(user, confirmed=True).exists()


def has_second_factor(user) -> bool:
    return django_otp.user_has_device(user, confirmed=True)


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@transaction.atomic
def new_recovery_codes(*, user) -> list[str]:
    """Replace the user's recovery codes by RECOVERY_CODE_COUNT new ones, each usable once."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def pending_totp_device(user) -> TOTPDevice:
    """The authenticator app being enrolled: its secret is made once and kept, unconfirmed,
    until the user enters a code it shows."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


def totp_setup(device: TOTPDevice) -> dict:
    """What an authenticator app reads: a QR code of the otpauth:// address, or the
    secret typed in (base32, in groups of four)."""
    secret = b32encode(device.bin_key).decode()
    return {
        "qr_code": segno.make(device.config_url, error="m").svg_data_uri(scale=4),
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
    }


def confirm_totp(request, *, device: TOTPDevice, code: str) -> str | None:
    """Confirm an authenticator app with a code it shows; the session is then verified.
    Returns why the code was refused, or None."""
    refused = _throttled([device])
    if refused is None and not device.verify_token(_clean(code)):
        refused = _("This code is wrong or expired. Enter the code the app shows now.")
    if refused:
        record(AuditAction.MFA_FAILED, request=request, what="enrolment", detail={"device": "totp"})
        return refused
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    enrolled(request, device, kind="totp")
    return None


def enrolled(request, device, *, kind: str) -> None:
    django_otp.login(request, device)
    record(AuditAction.MFA_ENROLLED, request=request, what=kind, object_ids=[device.pk])


def verify_code(request, code: str) -> str | None:
    """A code from the user's authenticator app, or one of their recovery codes (used up).
    Returns why it was refused, or None. Each device throttles failures itself
    (django-otp: a wait that doubles after each)."""
    user, code = request.user, _clean(code)
    with transaction.atomic():
        devices = [
            *TOTPDevice.objects.devices_for_user(user, confirmed=True).select_for_update(),
            *StaticDevice.objects.devices_for_user(user, confirmed=True).select_for_update(),
        ]
        refused = _throttled(devices)
        device = None if refused else next((d for d in devices if d.verify_token(code)), None)
    if device is None:
        record(AuditAction.MFA_FAILED, request=request, what="code")
        return refused or _("This code is wrong, used or expired. Try the next one.")
    django_otp.login(request, device)
    if isinstance(device, StaticDevice):
        record(
            AuditAction.RECOVERY_CODE_USED,
            request=request,
            what="recovery code",
            detail={"left": recovery_codes_left(user)},
        )
    record(AuditAction.MFA_VERIFIED, request=request, what=_kind(device), object_ids=[device.pk])
    return None


def _throttled(devices) -> str | None:
    """After wrong codes each device waits before it checks another (django-otp)."""
    waits = [
        data["locked_until"]
        for allowed, data in (d.verify_is_allowed() for d in devices)
        if not allowed and data and data.get("locked_until")
    ]
    if not waits:
        return None
    seconds = max(1, math.ceil((max(waits) - timezone.now()).total_seconds()))
    return ngettext(
        "Too many wrong codes: wait %(seconds)d second, then enter the code shown then.",
        "Too many wrong codes: wait %(seconds)d seconds, then enter the code shown then.",
        seconds,
    ) % {"seconds": seconds}


def _kind(device) -> str:
    return {TOTPDevice: "totp", StaticDevice: "recovery code"}.get(type(device), "passkey")


def _clean(code: str) -> str:
    """Codes as people type them: spaces and dashes between the digits."""
    return "".join(code.split()).replace("-", "")
