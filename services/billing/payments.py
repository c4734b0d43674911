"""Payments (UC-ADM-03): start a checkout, then act only on verified, re-queried status.

start_checkout -> the person pays on the gateway's page -> a signed webhook arrives ->
handle_gateway_event records its id once and re-queries the checkout from the gateway ->
settle_payment credits the Smart Wallet once, whatever the order of the events.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text
from sqlmodel import select

from services.billing.cart import load_cart
from services.billing.money import format_money
from services.billing.vat import vat_amount, vat_rule
from services.billing.wallet import credit_wallet, debit_wallet, open_wallet
from services.db.engine import platform_session
from services.identity.access import AuthContext, access_area
from services.models.billing import BillingProfile, Payment, Wallet
from services.models.columns import utcnow
from services.models.platform import Tenant, TenantStatus
from services.providers.payments import (
    CheckoutRequest, GatewayEvent, PaymentGatewayError, get_payment_gateway,
)
from services.settings import get_settings

# Why a payment failed, in plain French, from the gateway's decline or error code.
FAILURE_MESSAGES = {
    "generic_decline": "Votre banque a refusé la carte. Essayez une autre carte ou contactez votre banque.",
    "insufficient_funds": "Fonds insuffisants sur la carte. Essayez une autre carte.",
    "lost_card": "La carte a été refusée (carte déclarée perdue).",
    "stolen_card": "La carte a été refusée (carte déclarée volée).",
    "expired_card": "La carte a expiré. Utilisez une carte valide.",
    "incorrect_cvc": "Le code de sécurité (CVC) est incorrect.",
    "processing_error": "Erreur technique lors du traitement de la carte. Réessayez dans un instant.",
    "payment_intent_authentication_failure": "L'authentification 3-D Secure a échoué. Réessayez ou utilisez une autre carte.",
    "expired": "La session de paiement a expiré. Relancez le paiement.",
}
DEFAULT_FAILURE = "Le paiement a été refusé. Essayez une autre carte."
MIN_TOPUP = {"XAF": 1000, "XOF": 1000, "EUR": 500}


class PaymentError(ValueError):
    pass


@dataclass(frozen=True)
class PaymentView:
    id: int
    purpose: str
    status: str
    failure_message: str
    total: str
    net: str
    checkout_id: str
    tenant_status: str
    balance: str


def start_checkout(ctx: AuthContext, purpose: str = "onboarding", topup_net: int = 0) -> str:
    """Record a pending payment and open a checkout; returns the URL to send the person to."""
    access_area(ctx, "billing")
    with platform_session() as session:
        tenant = session.get(Tenant, ctx.tenant_id)
    if purpose == "onboarding":
        if tenant.status != TenantStatus.PENDING_PAYMENT.value:
            raise PaymentError("Cette instance est déjà active : utilisez la recharge du Smart Wallet.")
        cart = load_cart(ctx)
        net, snapshot = cart.quote.net, {"channels": cart.channels, "agents": cart.agents,
                                         "traffic": cart.traffic,
                                         "seats": cart.quote.subscription_total,
                                         "lines": quote_lines(cart.quote)}
        description = f"Instance B-GOTOCALL — {tenant.name}"
    elif purpose == "topup":
        if tenant.status != TenantStatus.ACTIVE.value:
            raise PaymentError("Le paiement initial de l'instance n'est pas encore confirmé.")
        minimum = MIN_TOPUP.get(tenant.currency, 500)
        if topup_net < minimum:
            raise PaymentError(f"Le montant minimum d'une recharge est de "
                               f"{format_money(minimum, tenant.currency)}.")
        net, snapshot, description = topup_net, {}, f"Recharge Smart Wallet — {tenant.name}"
    else:
        raise PaymentError("Type de paiement inconnu.")
    if net <= 0:
        raise PaymentError("Le panier est vide : choisissez au moins un agent.")
    return open_checkout(ctx, purpose, net, snapshot, description)


def quote_lines(quote) -> list[dict]:
    """The invoice lines of a first purchase: the month's subscription per seat, each channel
    chosen, and the consumption credit prepaid on the Smart Wallet per channel."""
    lines = [{"label": f"Abonnement — {line.label}", "quantity": line.quantity,
              "unit_amount": line.unit_amount, "amount": line.amount,
              "detail": "Licences agent du mois en cours"} for line in quote.subscription]
    for line in quote.consumption:
        lines.append({"label": f"Crédit de consommation prépayé — {line.label}",
                      "quantity": line.quantity, "unit_amount": line.unit_amount,
                      "amount": line.amount,
                      "detail": "Canal activé ; crédité sur le Smart Wallet, prélevé à l'usage"})
    return lines


def open_checkout(ctx: AuthContext, purpose: str, net: int, snapshot: dict,
                  description: str) -> str:
    """Record a pending payment of `net` (plus VAT) and open the gateway's checkout."""
    access_area(ctx, "billing")
    s = get_settings()
    with platform_session() as session:
        tenant = session.get(Tenant, ctx.tenant_id)
        profile = session.get(BillingProfile, ctx.tenant_id)
    rule = vat_rule(tenant.country, profile.vat_number if profile else "")
    tax = vat_amount(net, rule.rate_bp)
    gateway = get_payment_gateway(tenant.currency)
    payment = Payment(tenant_id=tenant.id, purpose=purpose, gateway=gateway.name,
                      currency=tenant.currency, net_amount=net, vat_rate_bp=rule.rate_bp,
                      tax_amount=tax, total_amount=net + tax, cart=snapshot)
    with platform_session() as session:
        session.add(payment)
    try:
        checkout = gateway.create_checkout(CheckoutRequest(
            reference=str(payment.id), amount=payment.total_amount, currency=tenant.currency,
            description=description, customer_email=ctx.email,
            **_return_urls(s.public_url, purpose, payment.id),
            idempotency_key=payment.idempotency_key,
            metadata={"tenant": tenant.slug, "purpose": purpose}))
    except PaymentGatewayError as exc:
        raise PaymentError("Le service de paiement ne répond pas. Réessayez dans un instant.") from exc
    with platform_session() as session:
        session.connection().execute(text(
            "UPDATE platform.payment SET checkout_id = :c WHERE id = :i"),
            {"c": checkout.id, "i": payment.id})
    return checkout.redirect_url


def _return_urls(public_url: str, purpose: str, payment_id: int) -> dict[str, str]:
    """Where the gateway sends the person back: a top-up or a licence purchase returns to
    « Facturation », which shows the new balance; the first payment follows the sign-up steps."""
    if purpose in ("topup", "licences"):
        return {"success_url": f"{public_url}/facturation?session_id={{CHECKOUT_SESSION_ID}}",
                "cancel_url": f"{public_url}/facturation?paiement={payment_id}"}
    return {"success_url": f"{public_url}/paiement/confirmation?session_id={{CHECKOUT_SESSION_ID}}",
            "cancel_url": f"{public_url}/paiement/annule?paiement={payment_id}"}


def handle_gateway_event(event: GatewayEvent, gateway_name: str = "stripe") -> str:
    """Process a verified webhook event once: 'processed', 'duplicate' or 'ignored'."""
    with platform_session() as session:
        conn = session.connection()
        conn.execute(text(
            "INSERT INTO platform.gateway_event (id, gateway, type, received_at) "
            "VALUES (:i, :g, :t, now()) ON CONFLICT (id) DO NOTHING"),
            {"i": event.id, "g": gateway_name, "t": event.type})
        if conn.execute(text("SELECT processed_at FROM platform.gateway_event WHERE id = :i"),
                        {"i": event.id}).scalar() is not None:
            return "duplicate"
        query = select(Payment)
        if event.checkout_id:
            query = query.where(Payment.checkout_id == event.checkout_id)
        elif event.reference.isdigit():
            query = query.where(Payment.id == int(event.reference))
        else:
            query = None
        payment = session.exec(query).first() if query is not None else None
    outcome = "ignored"
    if payment is not None and payment.checkout_id:
        settle_payment(payment.id)
        outcome = "processed"
    with platform_session() as session:
        session.connection().execute(text(
            "UPDATE platform.gateway_event SET processed_at = now() WHERE id = :i"),
            {"i": event.id})
    return outcome


def settle_payment(payment_id: int) -> str:
    """Re-query the checkout and apply its status; safe to call any number of times."""
    with platform_session() as session:
        payment = session.get(Payment, payment_id)
    status = get_payment_gateway(payment.currency).fetch_checkout(payment.checkout_id)
    if status.state == "paid":
        if status.amount != payment.total_amount or status.currency != payment.currency:
            _record_failure(payment_id, "Montant payé différent du montant attendu : "
                                        "contactez le support.")
            return "mismatch"
        if _complete(payment_id, status.transaction_id):
            from services.workers.billing import after_payment

            after_payment.send(payment_id)
        return "succeeded"
    if status.state in ("failed", "expired"):
        code = status.failure_code or status.state
        _record_failure(payment_id, FAILURE_MESSAGES.get(code, DEFAULT_FAILURE))
        return "failed"
    return "open"


def _complete(payment_id: int, transaction_id: str) -> bool:
    """Mark paid and credit the wallet in one transaction; False when already done."""
    with platform_session() as session:
        payment = session.exec(select(Payment).where(Payment.id == payment_id)
                               .with_for_update()).one()
        if payment.status == "succeeded":
            return False
        payment.status, payment.failure_message = "succeeded", ""
        payment.transaction_id, payment.completed_at = transaction_id, utcnow()
        session.add(payment)
        open_wallet(session, payment.tenant_id, payment.currency)
        credit_wallet(payment.tenant_id, payment.net_amount, kind="topup",
                      reference=f"payment:{payment.id}", session=session,
                      description=f"Paiement {transaction_id}")
        seats = int(payment.cart.get("seats", 0))
        if payment.purpose == "onboarding" and seats > 0:
            month = utcnow().strftime("%Y-%m")
            debit_wallet(payment.tenant_id, seats, kind="seat",
                         quantity=int(payment.cart.get("agents", 1)), session=session,
                         reference=f"seats:{payment.tenant_id}:{month}",
                         description=f"Abonnement {month} ({payment.cart.get('agents')} agents)")
        if payment.purpose == "licences":
            from services.billing.subscription import settle_paid_change

            settle_paid_change(session, payment.id, payment.tenant_id, payment.cart)
    return True


def _record_failure(payment_id: int, message: str) -> None:
    with platform_session() as session:
        payment = session.exec(select(Payment).where(Payment.id == payment_id)
                               .with_for_update()).one()
        if payment.status != "succeeded":
            payment.status, payment.failure_message = "failed", message
            session.add(payment)


def _view(payment: Payment, tenant: Tenant, wallet: Wallet | None) -> PaymentView:
    return PaymentView(
        id=payment.id, purpose=payment.purpose, status=payment.status,
        failure_message=payment.failure_message,
        total=format_money(payment.total_amount, payment.currency),
        net=format_money(payment.net_amount, payment.currency),
        checkout_id=payment.checkout_id or "", tenant_status=tenant.status,
        balance=format_money(wallet.balance if wallet else 0, payment.currency))


def payment_progress(ctx: AuthContext, *, checkout_id: str = "",
                     payment_id: int = 0) -> PaymentView | None:
    """What the return pages show; None when unknown or another tenant's ("not found")."""
    access_area(ctx, "billing")
    with platform_session() as session:
        query = select(Payment).where(Payment.tenant_id == ctx.tenant_id)
        query = (query.where(Payment.checkout_id == checkout_id) if checkout_id
                 else query.where(Payment.id == payment_id))
        payment = session.exec(query).first()
        if payment is None:
            return None
        return _view(payment, session.get(Tenant, ctx.tenant_id),
                     session.get(Wallet, ctx.tenant_id))


def list_payments(ctx: AuthContext) -> list[PaymentView]:
    access_area(ctx, "billing")
    with platform_session() as session:
        tenant, wallet = session.get(Tenant, ctx.tenant_id), session.get(Wallet, ctx.tenant_id)
        rows = session.exec(select(Payment).where(Payment.tenant_id == ctx.tenant_id)
                            .order_by(Payment.id.desc()).limit(50)).all()
        return [_view(p, tenant, wallet) for p in rows]
