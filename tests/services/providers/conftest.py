"""The provider each adapter test talks to, seen through a recording proxy: our twin, or —
when BGC_CONTRACT_STRIPE_URL / BGC_CONTRACT_SENDGRID_URL is set — Stripe's stripe-mock or
Prism serving the provider's spec (README, "Contract checks")."""
from __future__ import annotations

import os
from contextlib import ExitStack
from dataclasses import dataclass

import pytest

from services.sandbox.sendgrid.app import Mailbox, sendgrid_app
from tests.support.contract import RecordingProxy
from tests.support.servers import serving
from tests.support.stripe_twin import stripe_twin_serving


@dataclass
class Provider:
    base: str  # where the adapter sends its requests (the recording proxy)
    api_key: str
    proxy: RecordingProxy
    is_twin: bool

    def last(self, path: str):
        return [e for e in self.proxy.exchanges if e.path == path][-1]


def _through_proxy(stack: ExitStack, upstream: str, api_key: str, is_twin: bool) -> Provider:
    proxy = RecordingProxy(upstream)
    return Provider(stack.enter_context(serving(proxy.app)), api_key, proxy, is_twin)


@pytest.fixture(scope="module")
def stripe_provider():
    upstream = os.environ.get("BGC_CONTRACT_STRIPE_URL")
    with ExitStack() as stack:
        if upstream:
            key = os.environ.get("BGC_CONTRACT_STRIPE_KEY", "sk_test_123")
        else:
            key = "sk_test_twin"
            upstream = stack.enter_context(stripe_twin_serving(key)).base
        yield _through_proxy(stack, upstream, key, is_twin=not os.environ.get(
            "BGC_CONTRACT_STRIPE_URL"))


@pytest.fixture(scope="module")
def sendgrid_provider(tmp_path_factory):
    upstream = os.environ.get("BGC_CONTRACT_SENDGRID_URL")
    with ExitStack() as stack:
        if upstream:
            key = os.environ.get("BGC_CONTRACT_SENDGRID_KEY", "SG.contract")
        else:
            key = "SG.twin-key"
            mailbox = Mailbox(tmp_path_factory.mktemp("sendgrid") / "emails.jsonl")
            upstream = stack.enter_context(serving(lambda base: sendgrid_app(mailbox, key)))
        yield _through_proxy(stack, upstream, key, is_twin=not os.environ.get(
            "BGC_CONTRACT_SENDGRID_URL"))


@dataclass
class MetaProvider:
    """The Meta twin behind a recording proxy, its webhooks POSTed to a recording receiver."""
    base: str
    token: str
    app_secret: str
    proxy: RecordingProxy
    webhooks: list[tuple[bytes, dict]]
    store: object

    def last(self, path_end: str):
        return [e for e in self.proxy.exchanges if e.path.endswith(path_end)][-1]


@pytest.fixture(scope="module")
def meta_provider():
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    from services.sandbox.meta.app import MetaStore, meta_app

    received: list[tuple[bytes, dict]] = []

    async def receive(request: Request) -> Response:
        received.append((await request.body(), dict(request.headers)))
        return Response("ok")

    with ExitStack() as stack:
        hook = stack.enter_context(serving(lambda base: Starlette(routes=[
            Route("/hook", receive, methods=["POST"])])))
        holder = {}

        def twin(base: str):
            holder["store"] = MetaStore("contract-token", "contract-secret", f"{hook}/hook",
                                        base, "100000000000077", "200000000000077")
            return meta_app(holder["store"])

        upstream = stack.enter_context(serving(twin))
        proxy = RecordingProxy(upstream)
        yield MetaProvider(stack.enter_context(serving(proxy.app)), "contract-token",
                           "contract-secret", proxy, received, holder["store"])
