"""HTTP routes of billing, mounted by bgotocall/api.py: the gateway's webhook endpoint and
the downloads (receipt image, invoice PDF) with role and tenant checks. No business here."""
from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from services.billing.invoices import InvoiceError, invoice_pdf
from services.billing.payments import handle_gateway_event
from services.billing.receipts import ReceiptNotFound, receipt_png
from services.identity.access import AccessDenied
from services.identity.sessions import resolve_session
from services.providers.payments import WebhookRejected, get_payment_gateway

SESSION_COOKIE = "bgc_session"


async def stripe_webhook(request: Request) -> Response:
    payload = await request.body()
    gateway = get_payment_gateway()
    try:
        event = gateway.parse_webhook(payload, {k.lower(): v for k, v in request.headers.items()})
    except WebhookRejected as exc:
        return JSONResponse({"error": f"signature rejected: {exc}"}, status_code=400)
    outcome = await run_in_threadpool(handle_gateway_event, event, gateway.name)
    return JSONResponse({"received": True, "outcome": outcome})


def _context(request: Request):
    client = request.client.host if request.client else ""
    return resolve_session(request.cookies.get(SESSION_COOKIE, ""), client)


def _not_found() -> Response:
    return JSONResponse({"error": "introuvable"}, status_code=404)


async def receipt(request: Request) -> Response:
    ctx = await run_in_threadpool(_context, request)
    if ctx is None:
        return JSONResponse({"error": "connexion requise"}, status_code=401)
    try:
        path = await run_in_threadpool(receipt_png, ctx, int(request.path_params["payment_id"]))
    except (AccessDenied, ReceiptNotFound):
        return _not_found()
    disposition = "attachment" if request.query_params.get("download") else "inline"
    return FileResponse(path, media_type="image/png", content_disposition_type=disposition,
                        filename=path.name)


async def invoice(request: Request) -> Response:
    ctx = await run_in_threadpool(_context, request)
    if ctx is None:
        return JSONResponse({"error": "connexion requise"}, status_code=401)
    try:
        path = await run_in_threadpool(invoice_pdf, ctx, int(request.path_params["invoice_id"]))
    except (AccessDenied, InvoiceError):
        return _not_found()
    return FileResponse(path, media_type="application/pdf", filename=path.name)


routes = [
    Route("/api/billing/stripe/webhook", stripe_webhook, methods=["POST"]),
    Route("/api/billing/receipts/{payment_id:int}.png", receipt),
    Route("/api/billing/invoices/{invoice_id:int}.pdf", invoice),
]
