"""Invoices (UC-ADM-05): gapless numbers, VAT by country, a PDF, an email, the Documents page.

The number comes from a locked counter row in the same transaction as the invoice row,
so a rolled-back invoice gives its number back: numbers have no gaps.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import func, text
from sqlmodel import Session, select

from services.billing.documents import html_to_pdf, write_atomically
from services.billing.invoice_html import invoice_html
from services.billing.months import previous_month
from services.billing.money import format_money
from services.billing.prices import ITEM_LABELS
from services.billing.receipts import PURPOSES
from services.billing.subscription import PRORATED
from services.billing.vat import VatRule, vat_amount, vat_rule
from services.db.engine import platform_session
from services.identity.access import AuthContext, access_area
from services.messaging.email import send_email
from services.models.billing import BillingProfile, Invoice, Payment, WalletEntry
from services.models.columns import utcnow
from services.models.platform import Role, Tenant, TenantStatus, User
from services.onboarding.provisioning import tenant_storage
from services.providers.email import EmailMessage, attachment
from services.settings import get_settings


class InvoiceError(LookupError):
    pass


@dataclass(frozen=True)
class InvoiceView:
    id: int
    number: str
    kind: str
    issued_on: str
    period: str
    total: str
    vat_label: str


def invoice_number(number: int) -> str:
    return f"FAC-{number:06d}"


def _next_number(session: Session) -> int:
    return session.connection().execute(text(
        "UPDATE platform.invoice_sequence SET next_number = next_number + 1 "
        "WHERE name = 'invoice' RETURNING next_number - 1")).scalar_one()


def _buyer(session: Session, tenant: Tenant) -> tuple[dict, str]:
    profile = session.get(BillingProfile, tenant.id)
    buyer = {"name": (profile.legal_name if profile and profile.legal_name else tenant.name),
             "address": profile.address if profile else "", "city": profile.city if profile else "",
             "country": tenant.country, "vat_number": profile.vat_number if profile else "",
             "niu": profile.niu if profile else "", "rccm": profile.rccm if profile else ""}
    return buyer, buyer["vat_number"]


def _issue(tenant_id: int, kind: str, dedupe_key: str, start: date, end: date,
           lines: list[dict], rule: VatRule | None = None) -> Invoice | None:
    """Write the invoice (once per dedupe key), then its PDF and the email."""
    with platform_session() as s:
        existing = s.exec(select(Invoice).where(Invoice.dedupe_key == dedupe_key)).first()
        if existing:
            return existing
        tenant = s.get(Tenant, tenant_id)
        buyer, vat_number = _buyer(s, tenant)
        rule = rule or vat_rule(tenant.country, vat_number)
        net = sum(line["amount"] for line in lines)
        vat = vat_amount(net, rule.rate_bp)
        invoice = Invoice(number=_next_number(s), tenant_id=tenant_id, kind=kind,
                          dedupe_key=dedupe_key, period_start=start, period_end=end,
                          currency=tenant.currency, net_amount=net, vat_rate_bp=rule.rate_bp,
                          vat_amount=vat, total_amount=net + vat,
                          reverse_charge=rule.reverse_charge, lines=lines, buyer=buyer)
        s.add(invoice)
        s.flush()
        slug = tenant.slug
    path = tenant_storage(slug) / "invoices" / f"{invoice_number(invoice.number)}.pdf"
    pdf = html_to_pdf(invoice_html(invoice, invoice_number(invoice.number)))
    write_atomically(path, pdf)
    with platform_session() as s:
        row = s.get(Invoice, invoice.id)
        row.pdf_path, row.emailed_at = str(path), utcnow()
        s.add(row)
        admins = s.exec(select(User.email).where(User.tenant_id == tenant_id,
                                                 User.role == Role.ADMIN.value)).all()
    url = get_settings().public_url
    for email in admins:
        send_email(EmailMessage(
            to=email, subject=f"Votre facture B-GOTOCALL {invoice_number(invoice.number)}",
            text=(f"Bonjour,\n\nVotre facture {invoice_number(invoice.number)} d'un montant de "
                  f"{format_money(invoice.total_amount, invoice.currency)} TTC est disponible :\n"
                  f"{url}/api/billing/invoices/{invoice.id}.pdf\n\n"
                  f"Retrouvez toutes vos factures dans l'espace Documents : {url}/documents\n"
                  "La facture est jointe à cet email au format PDF.\n"),
            tags={"kind": "invoice"},
            attachments=[attachment(path.name, pdf, "application/pdf")]))
    return row


def issue_purchase_invoice(payment_id: int) -> Invoice:
    """The invoice of a one-off purchase (onboarding or wallet top-up), at the VAT charged."""
    with platform_session() as s:
        payment = s.get(Payment, payment_id)
    if payment is None or payment.status != "succeeded":
        raise InvoiceError(payment_id)
    day = payment.completed_at.date()
    lines = payment.cart.get("lines") or [
        {"label": PURPOSES.get(payment.purpose, payment.purpose), "quantity": 1,
         "unit_amount": payment.net_amount, "amount": payment.net_amount, "detail": ""}]
    lines = [{**line, "detail": "; ".join(x for x in (line["detail"],
                                                       f"Transaction {payment.transaction_id}") if x)}
             for line in lines]
    with platform_session() as s:
        _, vat_number = _buyer(s, s.get(Tenant, payment.tenant_id))
    rule = VatRule(payment.vat_rate_bp, payment.vat_rate_bp == 0 and bool(vat_number))
    return _issue(payment.tenant_id, "purchase", f"payment:{payment.id}", day, day, lines, rule)


def _month_bounds(year: int, month: int) -> tuple[date, date]:
    start = date(year, month, 1)
    end = (date(year + month // 12, month % 12 + 1, 1)) - timedelta(days=1)
    return start, end


SUBSCRIPTION_KINDS = ("seat", PRORATED)
SUBSCRIPTION_LABELS = {"seat": "Abonnement — licences agent du mois",
                       PRORATED: "Licences agent supplémentaires (prorata)"}


def _entry_line(entry: WalletEntry) -> dict:
    qty = max(1, entry.quantity)
    return {"label": SUBSCRIPTION_LABELS[entry.kind], "quantity": qty,
            "unit_amount": -entry.amount // qty, "amount": -entry.amount,
            "detail": f"{entry.description} — prélevé sur le Smart Wallet le "
                      f"{entry.created_at:%d/%m/%Y}"}


def issue_monthly_invoice(tenant_id: int, year: int, month: int) -> Invoice | None:
    """Aggregate the month's usage (wallet debits by kind); None when there was none."""
    start, end = _month_bounds(year, month)
    lo = datetime(start.year, start.month, start.day, tzinfo=timezone.utc)
    hi = lo + timedelta(days=(end - start).days + 1)
    with platform_session() as s:
        rows = s.exec(select(WalletEntry.kind, func.sum(WalletEntry.quantity),
                             func.sum(-WalletEntry.amount))
                      .where(WalletEntry.tenant_id == tenant_id, WalletEntry.amount < 0,
                             WalletEntry.created_at >= lo, WalletEntry.created_at < hi)
                      .group_by(WalletEntry.kind).order_by(WalletEntry.kind)).all()
        subscription = s.exec(select(WalletEntry).where(
            WalletEntry.tenant_id == tenant_id, WalletEntry.amount < 0,
            WalletEntry.kind.in_(SUBSCRIPTION_KINDS),
            WalletEntry.created_at >= lo, WalletEntry.created_at < hi)
            .order_by(WalletEntry.id)).all()
    # The subscription one line per purchase (its seats and, when prorated, its days);
    # consumption one line per kind.
    lines = [_entry_line(entry) for entry in subscription]
    lines += [{"label": ITEM_LABELS.get(kind, kind), "quantity": int(qty or 0),
               "unit_amount": int(amount) // int(qty) if qty else int(amount),
               "amount": int(amount), "detail": "Prélevé sur le Smart Wallet"}
              for kind, qty, amount in rows if kind not in SUBSCRIPTION_KINDS]
    if not lines:
        return None
    return _issue(tenant_id, "monthly", f"monthly:{tenant_id}:{year}-{month:02d}", start, end,
                  lines)


def issue_monthly_invoices(today: date | None = None, stop: threading.Event | None = None) -> int:
    """The monthly tick: invoice the previous month of every active tenant (until `stop` is set)."""
    today = today or utcnow().date()
    year, month = previous_month(today.year, today.month)
    with platform_session() as s:
        tenants = s.exec(select(Tenant.id).where(Tenant.status == TenantStatus.ACTIVE.value)).all()
    issued = 0
    for tenant_id in tenants:
        if stop is not None and stop.is_set():
            break
        issued += issue_monthly_invoice(tenant_id, year, month) is not None
    return issued


def list_invoices(ctx: AuthContext) -> list[InvoiceView]:
    access_area(ctx, "billing")
    with platform_session() as s:
        rows = s.exec(select(Invoice).where(Invoice.tenant_id == ctx.tenant_id)
                      .order_by(Invoice.number.desc())).all()
    return [InvoiceView(i.id, invoice_number(i.number), "Achat" if i.kind == "purchase"
                        else "Mensuelle", i.issued_at.strftime("%d/%m/%Y"),
                        f"{i.period_start:%d/%m/%Y} – {i.period_end:%d/%m/%Y}",
                        format_money(i.total_amount, i.currency),
                        VatRule(i.vat_rate_bp, i.reverse_charge).label) for i in rows]


def invoice_pdf(ctx: AuthContext, invoice_id: int) -> Path:
    access_area(ctx, "billing")
    with platform_session() as s:
        invoice = s.get(Invoice, invoice_id)
    if invoice is None or invoice.tenant_id != ctx.tenant_id or not invoice.pdf_path:
        raise InvoiceError(invoice_id)
    return Path(invoice.pdf_path)
