"""django-otp-webauthn's views, with the audit trail: a passkey added, used, or refused.

Mounted under the library's own namespace (otp_webauthn), which its template tags reverse.
"""

import json

from django.urls import path, reverse
from django.views.i18n import JavaScriptCatalog
from django_otp_webauthn import views

from audit.models import AuditAction
from audit.record import record


class CompleteRegistration(views.CompleteCredentialRegistrationView):
    def post(self, *args, **kwargs):
        response = super().post(*args, **kwargs)
        device_id = json.loads(response.content)["id"]
        record(
            AuditAction.MFA_ENROLLED, request=self.request, what="passkey", object_ids=[device_id]
        )
        return response


class CompleteAuthentication(views.CompleteCredentialAuthenticationView):
    def complete_auth(self, device):
        super().complete_auth(device)
        record(
            AuditAction.MFA_VERIFIED, request=self.request, what="passkey", object_ids=[device.pk]
        )

    def handle_exception(self, exc):
        record(
            AuditAction.MFA_FAILED,
            request=self.request,
            what="passkey",
            detail={"error": str(exc)[:200]},
        )
        return super().handle_exception(exc)

    def get_success_url(self):
        return self.get_redirect_url() or reverse("admin:index")


app_name = "otp_webauthn"
urlpatterns = [
    path(
        "registration/begin/",
        views.BeginCredentialRegistrationView.as_view(),
        name="credential-registration-begin",
    ),
    path(
        "registration/complete/",
        CompleteRegistration.as_view(),
        name="credential-registration-complete",
    ),
    path(
        "authentication/begin/",
        views.BeginCredentialAuthenticationView.as_view(),
        name="credential-authentication-begin",
    ),
    path(
        "authentication/complete/",
        CompleteAuthentication.as_view(),
        name="credential-authentication-complete",
    ),
    path(
        "jsi18n/",
        JavaScriptCatalog.as_view(packages=["django_otp_webauthn"]),
        name="js-i18n-catalog",
    ),
]
