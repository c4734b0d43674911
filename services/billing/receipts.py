"""Receipt (UC-ADM-04): a light image (HTML rendered to PNG) of a confirmed payment."""
from __future__ import annotations

import html
from pathlib import Path

from services.billing.documents import html_to_pdf, pdf_to_png, write_atomically
from services.billing.money import format_money
from services.billing.vat import VatRule
from services.db.engine import platform_session
from services.identity.access import AuthContext, access_area
from services.models.billing import Payment
from services.models.platform import Tenant
from services.onboarding.provisioning import tenant_storage

PURPOSES = {"onboarding": "Création de l'instance", "topup": "Recharge du Smart Wallet",
            "licences": "Licences et canaux supplémentaires"}


class ReceiptNotFound(LookupError):
    pass


def receipt_html(payment: Payment, tenant: Tenant) -> str:
    e = html.escape
    paid_at = payment.completed_at.strftime("%d/%m/%Y %H:%M UTC")
    vat = VatRule(payment.vat_rate_bp, False).label
    return f"""<html><head><meta charset="utf-8"><style>
@page {{ size: 120mm 150mm; margin: 8mm; }}
body {{ font-family: Helvetica; font-size: 10pt; color: #1f2937; }}
h1 {{ font-size: 15pt; color: #3e63dd; margin: 0; }}
.total {{ font-size: 16pt; font-weight: bold; }}
td {{ padding: 3px 0; }} .r {{ text-align: right; }} .muted {{ color: #6b7280; font-size: 8pt; }}
</style></head><body>
<h1>B-GOTOCALL OS</h1><p class="muted">BIAR GROUP — reçu de paiement</p>
<p><b>Reçu de paiement</b><br/>{e(PURPOSES.get(payment.purpose, payment.purpose))}</p>
<table width="100%">
<tr><td>Entreprise</td><td class="r">{e(tenant.name)}</td></tr>
<tr><td>Date</td><td class="r">{paid_at}</td></tr>
<tr><td>Transaction</td><td class="r">{e(payment.transaction_id)}</td></tr>
<tr><td>Montant HT</td><td class="r">{format_money(payment.net_amount, payment.currency)}</td></tr>
<tr><td>{vat}</td><td class="r">{format_money(payment.tax_amount, payment.currency)}</td></tr>
<tr><td class="total">Total TTC</td><td class="r total">{format_money(payment.total_amount, payment.currency)}</td></tr>
</table>
<p class="muted">Référence interne : P{payment.id:06d}. Ce reçu confirme le paiement ;
la facture correspondante est disponible dans l'espace Documents.</p>
</body></html>"""


def receipt_png(ctx: AuthContext, payment_id: int) -> Path:
    """The PNG of a succeeded payment of the caller's tenant; rendered once, then kept."""
    access_area(ctx, "billing")
    with platform_session() as s:
        payment = s.get(Payment, payment_id)
        if payment is None or payment.tenant_id != ctx.tenant_id or payment.status != "succeeded":
            raise ReceiptNotFound(payment_id)
        tenant = s.get(Tenant, payment.tenant_id)
    path = tenant_storage(tenant.slug) / "receipts" / f"recu-P{payment.id:06d}.png"
    if not path.exists():
        write_atomically(path, pdf_to_png(html_to_pdf(receipt_html(payment, tenant))))
    return path
