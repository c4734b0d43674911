"""The REST paths the stripe SDK calls (/v1/...), with Stripe's auth, parameter checks,
idempotency and error shapes."""
from __future__ import annotations

import json
import secrets

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from services.sandbox.stripe.params import check_params, operation_schema
from services.sandbox.stripe.store import IdempotentResult, StripeStore
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

    def operation(method: str, path: str, handler) -> Route:
        """A route that answers as Stripe does before the handler runs: API key, parameters
        checked against the spec, and an idempotency key's first result replayed."""
        schema = operation_schema(method, path)

        async def endpoint(request: Request) -> Response:
            if denied := authorized(request):
                return denied
            params = await params_of(request)
            key = request.headers.get("idempotency-key") if method == "POST" else None
            saved = store.first_result(key) if key else None
            if saved is not None:
                response = replay(saved, key, params)
            elif problem := check_params(schema, params):
                response = error(400, problem.message, code=problem.code, param=problem.param)
            else:
                response = handler(request, params)
                if key and response.status_code == 200:
                    store.remember(key, params, json.loads(response.body))
            store.requests.append({"method": method, "path": request.url.path,
                                   "idempotency_key": key, "status": response.status_code,
                                   "replayed": "idempotent-replayed" in response.headers})
            if store.lose_next_response:  # done here, but the answer never reaches the caller
                store.lose_next_response = False
                return PlainTextResponse("Bad Gateway", status_code=502)
            return response

        return Route(path, endpoint, methods=[method])

    def replay(saved: IdempotentResult, key: str, params: dict) -> JSONResponse:
        if saved.params != params:
            return error(400, "Keys for idempotent requests can only be used with the same "
                              "parameters they were first used with. Try using a key other "
                              f"than '{key}' if you meant to execute a different request.",
                         type_="idempotency_error")
        return JSONResponse(saved.body, headers={"Idempotent-Replayed": "true"})

    def create_session(request: Request, params: dict) -> JSONResponse:
        if not params.get("mode"):
            return error(400, "Missing required param: mode.", code="parameter_missing",
                         param="mode")
        if params["mode"] != "payment":
            return error(400, "This sandbox supports `mode=payment` only.",
                         code="parameter_invalid_string", param="mode")
        items = params.get("line_items")
        if not items:
            return error(400, "You must provide at least one line item in `payment` mode.",
                         code="parameter_missing", param="line_items")
        for i, item in enumerate(items):
            data = item.get("price_data") or {}
            if "unit_amount" not in data:
                return error(400, "Missing required param: "
                                  f"line_items[{i}][price_data][unit_amount].",
                             code="parameter_missing",
                             param=f"line_items[{i}][price_data][unit_amount]")
            if len(data.get("currency", "")) != 3:
                return error(400, f"Invalid currency: {data.get('currency', '')}",
                             code="parameter_invalid_string",
                             param=f"line_items[{i}][price_data][currency]")
        return JSONResponse(store.public(store.create_session(params)))

    def retrieve_session(request: Request, params: dict) -> JSONResponse:
        sid = request.path_params["session"]
        view = store.session_view(sid, expand_of(params))
        if view is None:
            return error(404, f"No such checkout.session: '{sid}'", code="resource_missing",
                         param="session")
        return JSONResponse(view)

    def retrieve_intent(request: Request, params: dict) -> JSONResponse:
        pid = request.path_params["intent"]
        intent = store.intents.get(pid)
        if intent is None:
            return error(404, f"No such payment_intent: '{pid}'", code="resource_missing",
                         param="intent")
        return JSONResponse(intent)

    def retrieve_event(request: Request, params: dict) -> JSONResponse:
        event = store.event(request.path_params["id"])
        if event is None:
            return error(404, f"No such event: '{request.path_params['id']}'",
                         code="resource_missing", param="id")
        return JSONResponse(event)

    def list_events(request: Request, params: dict) -> JSONResponse:
        data = list(reversed(store.events))[:100]
        return JSONResponse({"object": "list", "url": "/v1/events", "has_more": False,
                             "data": data})

    return [
        operation("POST", "/v1/checkout/sessions", create_session),
        operation("GET", "/v1/checkout/sessions/{session}", retrieve_session),
        operation("GET", "/v1/payment_intents/{intent}", retrieve_intent),
        operation("GET", "/v1/events/{id}", retrieve_event),
        operation("GET", "/v1/events", list_events),
    ]
