"""The Stripe twin served from the test process, and the official SDK pointed at it."""
import pytest

from tests.support.stripe_twin import stripe_twin_serving


@pytest.fixture(scope="module")
def stripe_twin():
    with stripe_twin_serving("sk_test_twin") as twin:
        yield twin
