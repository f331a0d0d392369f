"""Rate limits: anonymous clients by IP address, partners by API key (a higher limit).

Rates come from REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] ("anon", "partner"), read on each
request so that settings overrides apply; counts live in the default cache. A cache that
does not answer (Redis down) lets the request through, logged: the limit protects the
site, and refusing every partner while Redis is down would take the API down with it.
"""

import logging

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from cases.models import ApiKey

logger = logging.getLogger(__name__)


class _SettingsRateThrottle(SimpleRateThrottle):
    def __init__(self):
        pass  # the rate is read per request, in allow_request

    def allow_request(self, request, view):
        self.rate = api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
        self.num_requests, self.duration = self.parse_rate(self.rate)
        try:
            return super().allow_request(request, view)
        except Exception:
            logger.warning("rate limit %s not checked: the cache does not answer", self.scope)
            return True


class AnonymousRateThrottle(_SettingsRateThrottle):
    scope = "anon"

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiKey):
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class PartnerRateThrottle(_SettingsRateThrottle):
    scope = "partner"

    def get_cache_key(self, request, view):
        if not isinstance(request.auth, ApiKey):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}
