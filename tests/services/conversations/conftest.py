"""Conversation fixtures: the messaging ones (sandbox twins, webhook routes, the Meta twin)."""
from tests.services.messaging.conftest import meta, sandbox, webhooks  # noqa: F401
