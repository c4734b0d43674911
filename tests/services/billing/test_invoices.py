"""Invoices: VAT by country, reverse charge, gapless numbers, the PDF's text."""
from pathlib import Path

from pypdf import PdfReader

from services.billing.invoices import (
    invoice_number, invoice_pdf, issue_monthly_invoice, list_invoices,
)
from services.billing.profile import save_billing_profile
from services.billing.vat import vat_amount
from services.billing.wallet import credit_wallet, debit_wallet, open_wallet
from services.db.engine import platform_session
from services.models.columns import utcnow
from services.models.platform import Role
from tests.support.accounts import context_for, new_tenant


def _tenant_with_usage(country, currency, vat_number=""):
    tenant = new_tenant(country=country, currency=currency)
    with platform_session() as s:
        open_wallet(s, tenant.id, currency)
    ctx = context_for(tenant, Role.ADMIN)
    assert save_billing_profile(ctx, "Acme SAS", "12 rue des Lilas", "Lyon", vat_number) == {}
    credit_wallet(tenant.id, 100_000)
    for _ in range(3):
        debit_wallet(tenant.id, 500, kind="sms", quantity=100)  # 100 SMS at 0,05 €
    debit_wallet(tenant.id, 5000, kind="seat", quantity=2)
    return tenant, ctx


def _text(path: Path) -> str:
    return " ".join(page.extract_text() for page in PdfReader(path).pages)


def test_monthly_invoice_pdf_shows_totals_vat_and_number_and_the_next_is_next():
    now = utcnow()
    tenant, ctx = _tenant_with_usage("FR", "EUR")
    invoice = issue_monthly_invoice(tenant.id, now.year, now.month)
    net = 3 * 500 + 5000
    assert (invoice.net_amount, invoice.vat_rate_bp) == (net, 2000)
    assert invoice.vat_amount == vat_amount(net, 2000) == 1300
    text = _text(invoice_pdf(ctx, invoice.id))
    assert invoice_number(invoice.number) in text
    assert "Total HT" in text and "65,00 €" in text
    assert "TVA 20 %" in text and "13,00 €" in text
    assert "Total TTC" in text and "78,00 €" in text
    assert "SMS" in text and "300" in text  # 3 x 100 SMS aggregated
    assert "Acme SAS" in text and "BIAR GROUP" in text

    # Issuing the same month again gives the same invoice, not a new number.
    assert issue_monthly_invoice(tenant.id, now.year, now.month).number == invoice.number
    other, other_ctx = _tenant_with_usage("BE", "EUR", vat_number="BE0123456789")
    reverse = issue_monthly_invoice(other.id, now.year, now.month)
    assert reverse.number == invoice.number + 1
    assert (reverse.vat_rate_bp, reverse.vat_amount, reverse.reverse_charge) == (0, 0, True)
    assert "Autoliquidation" in _text(invoice_pdf(other_ctx, reverse.id))
    assert [i.number for i in list_invoices(ctx)] == [invoice_number(invoice.number)]


def test_cameroon_vat_is_19_25_percent_in_whole_francs():
    now = utcnow()
    tenant, ctx = _tenant_with_usage("CM", "XAF")
    invoice = issue_monthly_invoice(tenant.id, now.year, now.month)
    assert invoice.vat_amount == vat_amount(6500, 1925) == 1251  # 1251.25 rounded
    assert "TVA 19,25 %" in _text(invoice_pdf(ctx, invoice.id))


def test_invoices_of_another_tenant_are_not_reachable():
    import pytest

    from services.billing.invoices import InvoiceError

    now = utcnow()
    tenant, _ = _tenant_with_usage("SN", "XOF")
    invoice = issue_monthly_invoice(tenant.id, now.year, now.month)
    _, stranger = _tenant_with_usage("SN", "XOF")
    with pytest.raises(InvoiceError):
        invoice_pdf(stranger, invoice.id)
