"""Conversation fixtures: the messaging ones (sandbox twins, webhook routes, SMS campaign)."""
from tests.services.messaging.conftest import sandbox, webhooks  # noqa: F401
