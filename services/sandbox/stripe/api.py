"""The REST paths the stripe SDK calls (/v1/...), with Stripe's auth and error shapes."""
from __future__ import annotations

import secrets

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from services.sandbox.stripe.store import StripeStore
from services.sandbox.stripe.wire import error, parse_params


def api_routes(store: StripeStore, api_key: str) -> list[Route]:
    def authorized(request: Request) -> JSONResponse | None:
        auth = request.headers.get("authorization", "")
        if not auth:
            return error(401, "You did not provide an API key. You need to provide your API "
                              "key in the Authorization header, using Bearer auth (e.g. "
                              "'Authorization: Bearer YOUR_SECRET_KEY').")
        key = auth.removeprefix("Bearer ").strip()
        if not secrets.compare_digest(key, api_key):
            return error(401, f"Invalid API Key provided: {key[:8]}{'*' * 12}{key[-4:]}")
        return None

    async def params_of(request: Request) -> dict:
        if request.method == "GET":
            return parse_params(request.url.query)
        return parse_params((await request.body()).decode())

    def expand_of(params: dict) -> list[str]:
        value = params.get("expand") or []
        return value if isinstance(value, list) else [value]

    async def create_session(request: Request):
        if denied := authorized(request):
            return denied
        key = request.headers.get("idempotency-key")
        if key and key in store.idempotent:
            return JSONResponse(store.idempotent[key],
                                headers={"Idempotent-Replayed": "true"})
        params = await params_of(request)
        for name in ("success_url", "mode"):
            if not params.get(name):
                return error(400, f"Missing required param: {name}.", code="parameter_missing",
                             param=name)
        if params["mode"] != "payment":
            return error(400, "This sandbox supports `mode=payment` only.",
                         code="parameter_invalid_string", param="mode")
        items = params.get("line_items")
        if not items:
            return error(400, "You must provide at least one line item in `payment` mode.",
                         code="parameter_missing", param="line_items")
        for i, item in enumerate(items):
            data = item.get("price_data") or {}
            if not str(data.get("unit_amount", "")).isdigit():
                return error(400, "Invalid integer: " + str(data.get("unit_amount")),
                             code="parameter_invalid_integer",
                             param=f"line_items[{i}][price_data][unit_amount]")
            if len(data.get("currency", "")) != 3:
                return error(400, "Missing required param: line_items[0][price_data][currency].",
                             code="parameter_missing",
                             param=f"line_items[{i}][price_data][currency]")
        body = store.public(store.create_session(params))
        if key:
            store.idempotent[key] = body
        return JSONResponse(body)

    async def retrieve_session(request: Request):
        if denied := authorized(request):
            return denied
        sid = request.path_params["session"]
        view = store.session_view(sid, expand_of(await params_of(request)))
        if view is None:
            return error(404, f"No such checkout.session: '{sid}'", code="resource_missing",
                         param="session")
        return JSONResponse(view)

    async def retrieve_intent(request: Request):
        if denied := authorized(request):
            return denied
        pid = request.path_params["intent"]
        intent = store.intents.get(pid)
        if intent is None:
            return error(404, f"No such payment_intent: '{pid}'", code="resource_missing",
                         param="intent")
        return JSONResponse(intent)

    async def retrieve_event(request: Request):
        if denied := authorized(request):
            return denied
        event = store.event(request.path_params["id"])
        if event is None:
            return error(404, f"No such event: '{request.path_params['id']}'",
                         code="resource_missing", param="id")
        return JSONResponse(event)

    async def list_events(request: Request):
        if denied := authorized(request):
            return denied
        data = list(reversed(store.events))[:100]
        return JSONResponse({"object": "list", "url": "/v1/events", "has_more": False,
                             "data": data})

    return [
        Route("/v1/checkout/sessions", create_session, methods=["POST"]),
        Route("/v1/checkout/sessions/{session}", retrieve_session, methods=["GET"]),
        Route("/v1/payment_intents/{intent}", retrieve_intent, methods=["GET"]),
        Route("/v1/events/{id}", retrieve_event, methods=["GET"]),
        Route("/v1/events", list_events, methods=["GET"]),
    ]
