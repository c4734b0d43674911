"""The invoice's HTML, rendered to PDF by xhtml2pdf."""
from __future__ import annotations

import html

from services.billing.money import format_money
from services.billing.seller import legal_mentions, seller_details
from services.billing.vat import REVERSE_CHARGE_MENTION, VatRule
from services.models.billing import Invoice


def invoice_html(invoice: Invoice, number: str) -> str:
    e = html.escape
    seller = seller_details()
    seller_block = "<br/>".join(e(x) for x in [seller["name"], seller["address"],
                                               *legal_mentions(seller), seller["email"]] if x)
    buyer_ids = "".join(f"<br/>{e(label)} : {e(invoice.buyer[key])}" for key, label in
                        (("niu", "NIU"), ("rccm", "RCCM")) if invoice.buyer.get(key))
    cur = invoice.currency
    buyer = invoice.buyer
    rows = "".join(
        f"<tr><td>{e(line['label'])}<br/><span class='muted'>{e(line.get('detail', ''))}</span></td>"
        f"<td class='r'>{line['quantity']}</td>"
        f"<td class='r'>{format_money(line['unit_amount'], cur)}</td>"
        f"<td class='r'>{format_money(line['amount'], cur)}</td></tr>" for line in invoice.lines)
    vat = VatRule(invoice.vat_rate_bp, invoice.reverse_charge)
    mention = (f"<p><b>{e(REVERSE_CHARGE_MENTION)}</b></p>" if invoice.reverse_charge else "")
    return f"""<html><head><meta charset="utf-8"><style>
@page {{ size: a4; margin: 18mm; }}
body {{ font-family: Helvetica; font-size: 10pt; color: #111827; }}
h1 {{ font-size: 18pt; color: #3e63dd; }} .r {{ text-align: right; }}
.muted {{ color: #6b7280; font-size: 8pt; }}
table.lines td, table.lines th {{ padding: 4px; border-bottom: 0.5px solid #d1d5db; }}
</style></head><body>
<table width="100%"><tr>
<td><h1>Facture {number}</h1>
Date d'émission : {invoice.issued_at:%d/%m/%Y}<br/>
Période : {invoice.period_start:%d/%m/%Y} – {invoice.period_end:%d/%m/%Y}</td>
<td class="r">{seller_block}</td>
</tr></table>
<p><b>Facturé à :</b><br/>{e(buyer.get('name', ''))}<br/>{e(buyer.get('address', ''))}
{e(buyer.get('city', ''))} ({e(buyer.get('country', ''))})<br/>
N° TVA : {e(buyer.get('vat_number') or 'non renseigné')}{buyer_ids}</p>
<table class="lines" width="100%">
<tr><th align="left">Désignation</th><th class="r">Qté</th><th class="r">Prix unitaire HT</th><th class="r">Montant HT</th></tr>
{rows}</table>
<table width="100%"><tr><td width="60%"></td><td>
<table width="100%">
<tr><td>Total HT</td><td class="r">{format_money(invoice.net_amount, cur)}</td></tr>
<tr><td>{vat.label}</td><td class="r">{format_money(invoice.vat_amount, cur)}</td></tr>
<tr><td><b>Total TTC</b></td><td class="r"><b>{format_money(invoice.total_amount, cur)}</b></td></tr>
</table></td></tr></table>
{mention}
<p class="muted">Facture acquittée : réglée par carte ou par prélèvement sur le Smart Wallet
prépayé. Devise : {e(cur)}. En cas de retard de paiement, pénalités au taux légal en vigueur
et indemnité forfaitaire pour frais de recouvrement de 40 € (clients établis en France).
Conservez ce document : il vaut justificatif comptable.</p>
</body></html>"""
