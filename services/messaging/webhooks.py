"""HTTP routes of messaging, mounted by bgotocall/api.py: Twilio's status callbacks and inbound
SMS, and the signed unsubscribe link of campaign emails. Each request is verified with the SDK's RequestValidator against the URL we gave Twilio
(our configured public URL, not what a proxy shows us); a bad or missing signature is
refused with no effect. No business here."""
from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route
from twilio.request_validator import RequestValidator

from services.db.tenancy import tenant_session
from services.identity.system import system_context
from services.messaging.opt_out import receive_sms
from services.messaging.progress import TWILIO_STATUSES, advance, announce
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
    if row is not None:
        announce(tenant_id, [row.campaign_id])
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


routes = [
    Route("/api/messaging/unsubscribe", unsubscribe_link, methods=["GET", "POST"]),
    Route("/api/messaging/twilio/status", twilio_status, methods=["POST"]),
    Route("/api/messaging/twilio/inbound", twilio_inbound, methods=["POST"]),
]
