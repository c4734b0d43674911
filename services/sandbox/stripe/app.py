"""The Stripe twin as one Starlette app, mounted at /stripe by the sandbox server."""
from __future__ import annotations

import html

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse
from starlette.routing import Route

from services.sandbox.stripe.api import api_routes
from services.sandbox.stripe.hosted import format_amount, hosted_routes
from services.sandbox.stripe.store import StripeStore


def stripe_app(store: StripeStore, api_key: str) -> Starlette:
    """`store` holds sessions and events; `/_sandbox/...` lets tests act as Stripe's side."""

    async def dashboard(request: Request):
        rows = "".join(
            f"<tr><td>{html.escape(s['id'])}</td><td>{format_amount(s['amount_total'], s['currency'])}"
            f"</td><td>{s['status']}</td><td>{s['payment_status']}</td></tr>"
            for s in reversed(list(store.sessions.values())))
        return HTMLResponse(
            "<!doctype html><meta charset=utf-8><title>Stripe (sandbox)</title>"
            "<style>body{font-family:sans-serif;max-width:60rem;margin:2rem auto}td,th{padding:"
            ".3rem .6rem;border-bottom:1px solid #ddd}</style><h1>Stripe — bac à sable</h1>"
            "<table><tr><th>Session</th><th>Montant</th><th>Statut</th><th>Paiement</th></tr>"
            f"{rows or '<tr><td colspan=4>Aucune session.</td></tr>'}</table>")

    async def events(request: Request):
        session_id = request.query_params.get("checkout_session", "")
        found = []
        for event in store.events:
            obj = event["data"]["object"]
            sid = obj["id"] if obj["object"] == "checkout.session" else next(
                (s["id"] for s in store.sessions.values()
                 if s["payment_intent"] == obj["id"]), "")
            if not session_id or sid == session_id:
                d = store.deliveries[event["id"]]
                found.append({"id": event["id"], "type": event["type"], "attempts": d.attempts,
                              "last_status": d.last_status, "delivered": d.delivered})
        return JSONResponse(found)

    async def deliver(request: Request):
        event_id = request.path_params["id"]
        if store.event(event_id) is None:
            return JSONResponse({"error": "unknown event"}, status_code=404)
        return JSONResponse({"status": await run_in_threadpool(store.deliver, event_id)})

    async def api_requests(request: Request):
        return JSONResponse(list(store.requests))

    async def lose_next_response(request: Request):
        store.lose_next_response = True
        return JSONResponse({"lose_next_response": True})

    async def webhooks_mode(request: Request):
        store.paused = request.path_params["mode"] == "pause"
        return JSONResponse({"paused": store.paused})

    return Starlette(routes=[
        Route("/", dashboard),
        *api_routes(store, api_key),
        *hosted_routes(store),
        Route("/_sandbox/events", events),
        Route("/_sandbox/events/{id}/deliver", deliver, methods=["POST"]),
        Route("/_sandbox/webhooks/{mode:str}", webhooks_mode, methods=["POST"]),
        Route("/_sandbox/requests", api_requests),
        Route("/_sandbox/faults/lose-next-response", lose_next_response, methods=["POST"]),
    ])
