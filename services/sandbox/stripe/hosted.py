"""The hosted Checkout page a person types a card into, and the 3-D Secure challenge."""
from __future__ import annotations

import html
from datetime import date

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse
from starlette.routing import Route

from services.sandbox.stripe.cards import AUTH_FAILURE, brand_of, outcome_for
from services.sandbox.stripe.store import StripeStore

ZERO_DECIMAL = {"bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx",
                "vnd", "vuv", "xaf", "xof", "xpf"}
FRENCH = {
    "generic_decline": "Votre carte a été refusée.",
    "insufficient_funds": "Les fonds de votre carte sont insuffisants.",
    "lost_card": "Votre carte a été refusée.",
    "stolen_card": "Votre carte a été refusée.",
    "expired_card": "Votre carte a expiré.",
    "incorrect_cvc": "Le code de sécurité de votre carte est incorrect.",
    "processing_error": "Une erreur est survenue lors du traitement de votre carte. "
                        "Réessayez dans un instant.",
    "incorrect_number": "Votre numéro de carte n'est pas valide.",
    "test_mode_live_card": "Votre carte a été refusée : en mode test, utilisez une carte de test.",
    "payment_intent_authentication_failure": "Nous ne pouvons pas authentifier votre moyen "
                                             "de paiement. Choisissez-en un autre et réessayez.",
    "invalid_expiry": "La date d'expiration de votre carte n'est pas valide.",
    "invalid_cvc": "Le code de sécurité de votre carte n'est pas complet.",
}
_STYLE = """<style>
body{font-family:system-ui,sans-serif;background:#f6f9fc;margin:0;color:#30313d}
main{max-width:440px;margin:3rem auto;background:#fff;border-radius:12px;padding:2rem;
box-shadow:0 2px 12px rgba(0,0,0,.08)}h1{font-size:1.1rem;color:#6a7383;font-weight:500}
.amount{font-size:2rem;font-weight:700;margin:.25rem 0 1.5rem}label{display:block;
font-size:.85rem;margin:.8rem 0 .3rem;color:#6a7383}input{width:100%;box-sizing:border-box;
padding:.65rem;border:1px solid #d5dbe1;border-radius:6px;font-size:1rem}.row{display:flex;
gap:.75rem}.row>div{flex:1}button{width:100%;margin-top:1.4rem;padding:.8rem;border:0;
border-radius:6px;background:#635bff;color:#fff;font-size:1rem;font-weight:600;cursor:pointer}
button.secondary{background:#fff;color:#df1b41;border:1px solid #df1b41}
.error{background:#fdecef;color:#df1b41;padding:.7rem;border-radius:6px;margin-top:1rem}
.muted{color:#6a7383;font-size:.8rem;margin-top:1.2rem}a{color:#635bff}</style>"""


def format_amount(amount: int, currency: str) -> str:
    if currency.lower() in ZERO_DECIMAL:
        return f"{amount:,}".replace(",", "\u202f") + f" {currency.upper()}"
    return f"{amount / 100:,.2f}".replace(",", "\u202f").replace(".", ",") + f" {currency.upper()}"


def _page(title: str, body: str) -> HTMLResponse:
    return HTMLResponse(f"<!doctype html><html lang=fr><meta charset=utf-8>"
                        f"<meta name=viewport content='width=device-width'>"
                        f"<title>{html.escape(title)}</title>{_STYLE}<main>{body}</main></html>")


def _expiry_ok(text: str) -> bool:
    parts = text.replace(" ", "").split("/")
    if len(parts) != 2 or not all(p.isdigit() for p in parts):
        return False
    month, year = int(parts[0]), int(parts[1]) % 100 + 2000
    today = date.today()
    return 1 <= month <= 12 and (year, month) >= (today.year, today.month)


def hosted_routes(store: StripeStore) -> list[Route]:
    def pay_form(session: dict, message: str = "", values: dict | None = None) -> HTMLResponse:
        v = {k: html.escape(str(x)) for k, x in (values or {}).items()}
        err = (f"<div class=error role=alert id=card-error>{html.escape(message)}</div>"
               if message else "")
        back = html.escape(session.get("cancel_url") or "")
        return _page("Paiement sécurisé", f"""
<h1>Payer {html.escape(str(session['_line_items'][0]['price_data']['product_data']['name']
                              if session['_line_items'] else ''))}</h1>
<div class=amount data-testid=amount>{format_amount(session['amount_total'], session['currency'])}</div>
<form method=post action="{store.hosted_base}/pay/{session['id']}">
<label for=email>E-mail</label><input id=email name=email value="{html.escape(session.get('customer_email') or '')}" readonly>
<label for=cardNumber>Informations de la carte</label>
<input id=cardNumber name=card_number inputmode=numeric autocomplete=cc-number placeholder="1234 1234 1234 1234" value="{v.get('card_number', '')}" required>
<div class=row><div><label for=cardExpiry>Expiration</label><input id=cardExpiry name=expiry placeholder="MM / AA" value="{v.get('expiry', '')}" required></div>
<div><label for=cardCvc>CVC</label><input id=cardCvc name=cvc inputmode=numeric placeholder="CVC" value="{v.get('cvc', '')}" required></div></div>
<label for=billingName>Nom du titulaire de la carte</label><input id=billingName name=name value="{v.get('name', '')}">
{err}<button type=submit id=submit>Payer</button></form>
<p class=muted>Bac à sable Stripe : 4242 4242 4242 4242 (accepté), 4000 0027 6000 3184 (3-D Secure),
4000 0000 0000 0002 (refusé), 4000 0000 0000 9995 (fonds insuffisants).</p>
<p class=muted><a href="{back}" id=cancel>← Retour</a></p>""")

    def find(request: Request) -> dict | None:
        return store.sessions.get(request.path_params["session"])

    def done(session: dict):
        return RedirectResponse(
            session["success_url"].replace("{CHECKOUT_SESSION_ID}", session["id"]), 303)

    async def show(request: Request):
        session = find(request)
        if session is None:
            return _page("Introuvable", "<h1>Cette session de paiement n'existe pas.</h1>")
        if session["status"] == "complete":
            return done(session)
        if session["status"] == "expired":
            return _page("Expirée", "<h1>Cette session de paiement a expiré.</h1>")
        return pay_form(session)

    async def submit(request: Request):
        session = find(request)
        if session is None or session["status"] != "open":
            return await show(request)
        form = dict(await request.form())
        number = "".join(c for c in form.get("card_number", "") if c.isdigit())
        outcome = outcome_for(number)
        if outcome.kind == "invalid":  # refused in the browser: no PaymentIntent attempt
            return pay_form(session, FRENCH["incorrect_number"], form)
        if not _expiry_ok(form.get("expiry", "")):
            return pay_form(session, FRENCH["invalid_expiry"], form)
        if not (form.get("cvc", "").isdigit() and 3 <= len(form["cvc"]) <= 4):
            return pay_form(session, FRENCH["invalid_cvc"], form)
        card = {"brand": brand_of(number), "last4": number[-4:], "name": form.get("name", "")}
        if outcome.kind == "decline":
            store.fail(session, outcome.code, outcome.decline_code, outcome.message)
            return pay_form(session, FRENCH.get(outcome.decline_code or outcome.code,
                                                FRENCH["generic_decline"]), form)
        if outcome.kind == "challenge":
            store.require_action(session)
            session["_pending_card"] = card
            return RedirectResponse(f"{store.hosted_base}/pay/{session['id']}/3ds", 303)
        store.succeed(session, card)
        return done(session)

    async def challenge(request: Request):
        session = find(request)
        if session is None or "_pending_card" not in session:
            return await show(request)
        return _page("3-D Secure", f"""
<h1>Authentification 3-D Secure</h1>
<p>Votre banque demande de confirmer ce paiement de
<b>{format_amount(session['amount_total'], session['currency'])}</b>
(carte se terminant par {session['_pending_card']['last4']}).</p>
<p class=muted>Page de test : choisissez le résultat de l'authentification.</p>
<form method=post><button name=action value=complete id=complete-3ds>Complete authentication</button>
<button name=action value=fail id=fail-3ds class=secondary>Fail authentication</button></form>""")

    async def answer_challenge(request: Request):
        session = find(request)
        if session is None or "_pending_card" not in session:
            return await show(request)
        card = session.pop("_pending_card")
        if (await request.form()).get("action") == "complete":
            store.succeed(session, card)
            return done(session)
        store.fail(session, *AUTH_FAILURE)
        return pay_form(session, FRENCH["payment_intent_authentication_failure"])

    return [
        Route("/pay/{session}", show, methods=["GET"]),
        Route("/pay/{session}", submit, methods=["POST"]),
        Route("/pay/{session}/3ds", challenge, methods=["GET"]),
        Route("/pay/{session}/3ds", answer_challenge, methods=["POST"]),
    ]
