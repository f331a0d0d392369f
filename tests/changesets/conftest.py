"""What the change-set tests on the demo data share: staff roles and API rates."""

import pytest

from tests.api.conftest import generous_rate_limits  # noqa: F401 (autouse: many API calls)
from tests.workflow.conftest import member_of


@pytest.fixture
def researcher(demo):
    return member_of("researcher", username="researcher")


@pytest.fixture
def reviewer(demo):
    return member_of("reviewer", username="reviewer")
