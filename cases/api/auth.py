"""Partner API keys: `Authorization: Api-Key <key>` or `X-API-Key: <key>`."""

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from django.utils.translation import gettext
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from cases.models import ApiKey


def key_from_request(request) -> str:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "api-key":
        return value.strip()
    return request.META.get("HTTP_X_API_KEY", "").strip()


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """No key: anonymous. A wrong or revoked key: 401, so a partner notices at once."""

    def authenticate(self, request):
        raw_key = key_from_request(request)
        if not raw_key:
            return None
        api_key = ApiKey.objects.authenticate(raw_key)
        if api_key is None:
            raise exceptions.AuthenticationFailed(gettext("Unknown or revoked API key."))
        now = timezone.now()
        # At most one write a minute per key: last use is for staff, not for accounting.
        if api_key.last_used_at is None or (now - api_key.last_used_at).total_seconds() > 60:
            ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
        return AnonymousUser(), api_key

    def authenticate_header(self, request) -> str:
        return "Api-Key"


class ApiKeyScheme(OpenApiAuthenticationExtension):
    """Documents the API key in the OpenAPI schema."""

    target_class = ApiKeyAuthentication
    name = "ApiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "X-API-Key",
            "description": "Optional partner key (higher rate limits). Also accepted as "
            "`Authorization: Api-Key <key>`.",
        }
