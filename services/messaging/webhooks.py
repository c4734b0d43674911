"""HTTP routes of messaging, mounted by bgotocall/api.py: Twilio's status callbacks and inbound
SMS, SendGrid's signed Event Webhook, and the signed links of campaign emails (unsubscribe,
open pixel, click redirect). Each Twilio request is verified with the SDK's RequestValidator against the URL we gave Twilio
(our configured public URL, not what a proxy shows us); a bad or missing signature is
refused with no effect. No business here."""
from __future__ import annotations

import json

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from sendgrid.helpers.eventwebhook import EventWebhook
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route
from twilio.request_validator import RequestValidator

from services.db.tenancy import tenant_session
from services.identity.system import system_context
from services.messaging import tracking
from services.messaging.email_events import apply_event
from services.messaging.opt_out import receive_sms
from services.messaging.progress import TWILIO_STATUSES, advance
from services.messaging.unsubscribe import is_signed, unsubscribe
from services.models.interactions import FailureClass, InteractionStatus
from services.settings import get_settings

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


async def _verified_form(request: Request, base_url: str) -> dict | None:
    form = {k: v for k, v in (await request.form()).items()}
    url = base_url + (f"?{request.url.query}" if request.url.query else "")
    validator = RequestValidator(get_settings().twilio_auth_token)
    if not validator.validate(url, form, request.headers.get("x-twilio-signature", "")):
        return None
    return form


def _refused() -> Response:
    return JSONResponse({"error": "signature refusée"}, status_code=403)


def apply_twilio_status(tenant_id: int, attempt_id: int, form: dict) -> str:
    status = TWILIO_STATUSES.get(form.get("MessageStatus", "").lower())
    if status is None:
        return "ignored"
    code = form.get("ErrorCode", "")
    reason = f"Non distribué par l'opérateur (Twilio {code})." if code else "Non distribué."
    with tenant_session(system_context(tenant_id)) as s:
        row = advance(s, attempt_id, status, provider="twilio",
                      provider_id=form.get("MessageSid", ""),
                      outcome=form.get("MessageStatus", "").lower(),
                      failure_class=FailureClass.PERMANENT.value
                      if status == InteractionStatus.FAILED.value else "",
                      failure_reason=reason if status == InteractionStatus.FAILED.value else "")
    return "unknown" if row is None else row.status


async def twilio_status(request: Request) -> Response:
    form = await _verified_form(request, get_settings().twilio_status_url)
    if form is None:
        return _refused()
    try:
        tenant_id, attempt_id = int(request.query_params["t"]), int(request.query_params["a"])
    except (KeyError, ValueError):
        return JSONResponse({"error": "tentative inconnue"}, status_code=400)
    try:
        outcome = await run_in_threadpool(apply_twilio_status, tenant_id, attempt_id, form)
    except PermissionError:
        return JSONResponse({"error": "instance inconnue"}, status_code=404)
    return JSONResponse({"status": outcome})


async def twilio_inbound(request: Request) -> Response:
    form = await _verified_form(request, get_settings().twilio_inbound_url)
    if form is None:
        return _refused()
    await run_in_threadpool(receive_sms, form.get("From", ""), form.get("To", ""),
                            form.get("Body", ""), form.get("MessageSid", ""))
    return Response(EMPTY_TWIML, media_type="application/xml")


_UNSUBSCRIBE_PAGE = """<!doctype html><html lang="fr"><meta charset="utf-8">
<title>Désinscription</title><body style="font-family:sans-serif;max-width:32rem;margin:3rem auto">
<h1>{title}</h1><p>{text}</p>{form}</body></html>"""


def _page(title: str, text: str, form: str = "", status: int = 200) -> HTMLResponse:
    return HTMLResponse(_UNSUBSCRIBE_PAGE.format(title=title, text=text, form=form),
                        status_code=status)


async def unsubscribe_link(request: Request) -> Response:
    """GET: a confirmation (link scanners must not unsubscribe anyone); POST: the button or
    the RFC 8058 one-click POST."""
    q = request.query_params
    try:
        tenant_id, attempt_id = int(q["t"]), int(q["a"])
    except (KeyError, ValueError):
        return _page("Lien invalide", "Ce lien de désinscription est incomplet.", status=400)
    if not is_signed(tenant_id, attempt_id, q.get("s", "")):
        return _page("Lien invalide", "Ce lien de désinscription n'est pas valide.", status=403)
    if request.method == "GET":
        return _page("Se désinscrire", "Vous ne recevrez plus nos messages.",
                     '<form method="post"><button type="submit">Confirmer la désinscription'
                     "</button></form>")
    try:
        done = await run_in_threadpool(unsubscribe, tenant_id, attempt_id)
    except PermissionError:
        done = False
    if not done:
        return _page("Lien expiré", "Ce message n'existe plus.", status=404)
    return _page("Désinscription confirmée",
                 "C'est fait : vous ne recevrez plus de messages de notre part.")


async def sendgrid_events(request: Request) -> Response:
    """SendGrid's Event Webhook: ECDSA-signed (timestamp + raw body), verified with the SDK's
    EventWebhook helper against the configured public key; anything else is refused."""
    body = (await request.body()).decode("utf-8", "replace")
    signature = request.headers.get("x-twilio-email-event-webhook-signature", "")
    timestamp = request.headers.get("x-twilio-email-event-webhook-timestamp", "")
    try:
        verifier = EventWebhook(get_settings().sendgrid_webhook_public_key)
        valid = bool(signature and timestamp) and verifier.verify_signature(body, signature,
                                                                            timestamp)
    except (ValueError, TypeError):  # a signature that is not even base64 / DER
        valid = False
    if not valid:
        return _refused()
    try:
        events = json.loads(body)
    except ValueError:
        return JSONResponse({"error": "JSON invalide"}, status_code=400)
    if not isinstance(events, list):
        return JSONResponse({"error": "une liste d'événements est attendue"}, status_code=400)

    def apply_all() -> list[str]:
        outcomes = []
        for event in events:
            try:
                outcomes.append(apply_event(event) if isinstance(event, dict) else "ignored")
            except PermissionError:  # a tenant that does not exist (any more)
                outcomes.append("unknown")
        return outcomes

    return JSONResponse({"events": await run_in_threadpool(apply_all)})


def _signed_attempt(request: Request, purpose: str, url: str = "") -> tuple[int, int] | None:
    q = request.query_params
    try:
        tenant_id, attempt_id = int(q["t"]), int(q["a"])
    except (KeyError, ValueError):
        return None
    if not tracking.is_signed(purpose, tenant_id, attempt_id, q.get("s", ""), url):
        return None
    return tenant_id, attempt_id


# a transparent 1×1 GIF
PIXEL = (b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01"
         b"\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")


async def email_open(request: Request) -> Response:
    """The open pixel: always the image (a mail client shows no error), recorded if signed."""
    found = _signed_attempt(request, "open")
    if found is not None:
        try:
            await run_in_threadpool(tracking.record, *found, InteractionStatus.READ.value)
        except PermissionError:
            pass
    return Response(PIXEL, media_type="image/gif",
                    headers={"Cache-Control": "no-store, max-age=0"})


async def email_click(request: Request) -> Response:
    """The click redirect: only to the link our rendering signed for this attempt."""
    destination = request.query_params.get("u", "")
    found = _signed_attempt(request, "click", destination)
    if found is None or not destination.lower().startswith(("http://", "https://")):
        return _page("Lien invalide", "Ce lien n'est pas valide.", status=403)
    try:
        known = await run_in_threadpool(tracking.record, *found,
                                        InteractionStatus.CLICKED.value)
    except PermissionError:
        known = False
    if not known:
        return _page("Lien expiré", "Ce message n'existe plus.", status=404)
    return RedirectResponse(destination, status_code=302)


routes = [
    Route("/api/messaging/sendgrid/events", sendgrid_events, methods=["POST"]),
    Route(tracking.OPEN_PATH, email_open, methods=["GET"]),
    Route(tracking.CLICK_PATH, email_click, methods=["GET"]),
    Route("/api/messaging/unsubscribe", unsubscribe_link, methods=["GET", "POST"]),
    Route("/api/messaging/twilio/status", twilio_status, methods=["POST"]),
    Route("/api/messaging/twilio/inbound", twilio_inbound, methods=["POST"]),
]
