import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

# Every API request sets its statement timeout (cases.api.views.StatementTimeoutMixin): one
# query in production; inside a test's transaction also a savepoint, its release and a reset
# of the timeout. Fixed, whatever the number of rows.
TIMEOUT_QUERIES = 4


@pytest.fixture(autouse=True)
def generous_rate_limits(settings):
    """Most tests make many requests; the throttling tests set their own rates."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "100000/min", "partner": "100000/min"},
    }
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api():
    return APIClient()


def body(response) -> bytes:
    """The whole body of a response, streamed or not."""
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content
