"""Passkeys and security keys (django-otp-webauthn), through the views the browser's script
calls, with a software authenticator: a P-256 key that answers the server's challenges as
a security key would ("none" attestation). The browser's own part (navigator.credentials)
is not run here: no test drives a real or virtual authenticator in Chromium.
"""

import hashlib
import json
import struct
from base64 import urlsafe_b64encode

import cbor2
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from django.test import Client
from django.urls import reverse
from django_otp_webauthn.models import WebAuthnCredential

from audit.models import AuditAction, AuditEvent
from tests import factories as f
from tests.test_mfa import password_login, path_of

pytestmark = pytest.mark.django_db

ORIGIN = "https://localhost"
UP, UV, AT = 0x01, 0x04, 0x40


def b64(data: bytes) -> str:
    return urlsafe_b64encode(data).rstrip(b"=").decode()


class SoftwareKey:
    """One credential on a software authenticator."""

    def __init__(self, rp_id: str = "localhost"):
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = hashlib.sha256(str(id(self)).encode()).digest()
        self.rp_hash = hashlib.sha256(rp_id.encode()).digest()
        self.count = 0

    def _client_data(self, kind: str, options: dict) -> bytes:
        data = {"type": kind, "challenge": options["challenge"], "origin": ORIGIN}
        return json.dumps({**data, "crossOrigin": False}).encode()

    def register(self, options: dict) -> dict:
        numbers = self.key.public_key().public_numbers()
        cose = {1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32), -3: numbers.y.to_bytes(32)}
        attested = bytes(16) + struct.pack(">H", 32) + self.credential_id + cbor2.dumps(cose)
        auth_data = self.rp_hash + bytes([UP | UV | AT]) + struct.pack(">I", 0) + attested
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        return {
            "id": b64(self.credential_id),
            "rawId": b64(self.credential_id),
            "type": "public-key",
            "response": {
                "clientDataJSON": b64(self._client_data("webauthn.create", options)),
                "attestationObject": b64(attestation),
                "transports": ["usb"],
            },
            "clientExtensionResults": {},
            "authenticatorAttachment": "cross-platform",
        }

    def sign(self, options: dict) -> dict:
        self.count += 1
        auth_data = self.rp_hash + bytes([UP | UV]) + struct.pack(">I", self.count)
        client_data = self._client_data("webauthn.get", options)
        signed = auth_data + hashlib.sha256(client_data).digest()
        return {
            "id": b64(self.credential_id),
            "rawId": b64(self.credential_id),
            "type": "public-key",
            "response": {
                "authenticatorData": b64(auth_data),
                "clientDataJSON": b64(client_data),
                "signature": b64(self.key.sign(signed, ec.ECDSA(hashes.SHA256()))),
            },
            "clientExtensionResults": {},
            "authenticatorAttachment": "cross-platform",
        }


def post_json(client: Client, name: str, data: dict | None = None):
    return client.post(
        reverse(f"otp_webauthn:{name}"), json.dumps(data or {}), content_type="application/json"
    )


@pytest.fixture(autouse=True)
def relying_party(settings):
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [ORIGIN]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def superuser():
    return f.UserFactory(username="chief", is_staff=True, is_superuser=True)


def test_enrol_a_security_key_then_log_in_with_it(superuser):
    client = password_login(superuser)
    enrol = client.get(reverse("staff:enrol"))
    assert b'id="passkey-register-button"' in enrol.content
    assert b"otp_webauthn_register.js" in enrol.content

    key = SoftwareKey()
    options = post_json(client, "credential-registration-begin").json()
    assert options["rp"] == {"id": "localhost", "name": "IHL Case Database"}
    done = post_json(client, "credential-registration-complete", key.register(options))
    assert done.status_code == 200, done.content
    credential = WebAuthnCredential.objects.get(user=superuser)
    assert client.get(reverse("admin:index")).status_code == 200  # this session is verified

    # The next login: the password, then the key.
    second = password_login(superuser)
    assert path_of(second.get(reverse("admin:index"))) == reverse("staff:verify")
    verify = second.get(reverse("staff:verify"))
    assert b'id="passkey-verification-button"' in verify.content
    options = post_json(second, "credential-authentication-begin").json()
    assert [c["id"] for c in options["allowCredentials"]] == [b64(key.credential_id)]
    signed = post_json(second, "credential-authentication-complete", key.sign(options))
    assert signed.status_code == 200, signed.content
    assert signed.json()["redirect_url"] == reverse("admin:index")
    assert second.get(reverse("admin:index")).status_code == 200

    actions = AuditEvent.objects.filter(user=superuser).values_list("action", "what")
    assert (AuditAction.MFA_ENROLLED, "passkey") in actions
    assert (AuditAction.MFA_VERIFIED, "passkey") in actions
    assert credential.pk in [
        int(i) for i in AuditEvent.objects.get(action=AuditAction.MFA_ENROLLED).object_ids
    ]


def test_a_signature_by_another_key_is_refused_and_recorded(superuser):
    client = password_login(superuser)
    key = SoftwareKey()
    options = post_json(client, "credential-registration-begin").json()
    post_json(client, "credential-registration-complete", key.register(options))

    second = password_login(superuser)
    options = post_json(second, "credential-authentication-begin").json()
    forged = SoftwareKey()
    forged.credential_id = key.credential_id  # the right id, signed by the wrong key
    refused = post_json(second, "credential-authentication-complete", forged.sign(options))
    assert refused.status_code == 422  # the library's answer to a bad signature
    assert path_of(second.get(reverse("admin:index"))) == reverse("staff:verify")
    assert AuditEvent.objects.filter(user=superuser, action=AuditAction.MFA_FAILED).exists()


def test_no_login_with_a_passkey_alone():
    anonymous = Client()
    response = post_json(anonymous, "credential-authentication-begin")
    assert response.status_code == 403
