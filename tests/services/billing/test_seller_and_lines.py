"""Invoice text: the seller's legal mentions come from the platform settings (never « voir contrat »),
and a first purchase is detailed per seat and per channel's prepaid consumption credit."""
from pathlib import Path

import pytest
from pypdf import PdfReader

from services.billing.invoices import InvoiceError, invoice_pdf, issue_monthly_invoice, list_invoices
from services.billing.payments import start_checkout
from services.billing.profile import save_billing_profile
from services.billing.seller import SELLER_KEY, save_seller, seller_missing
from services.billing.wallet import credit_wallet, debit_wallet, open_wallet
from services.db.engine import platform_session
from services.identity.access import AccessDenied
from services.models.columns import utcnow
from services.models.platform import Role
from tests.support.accounts import context_for, new_tenant
from tests.support.platform_options import restored_switch
from tests.support.waiting import wait_until

SELLER = {"name": "BIAR GROUP SA", "address": "Boulevard de la Liberté, Douala", "niu": "M098765432109Z",
          "rccm": "RC/DLA/2020/B/4321", "vat_number": "", "email": "facturation@b-gotocall.com"}


def _text(path: Path) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(path).pages)


@pytest.fixture
def seller():
    with restored_switch(SELLER_KEY):
        yield context_for(None, Role.SUPER_ADMIN)


def test_the_seller_fields_are_validated_and_only_the_super_admin_sets_them(seller):
    errors = save_seller(seller, {"name": "B", "address": "x", "niu": "voir contrat", "rccm": "", "email": "a@"})
    assert set(errors) == {"name", "address", "niu", "rccm", "email"}
    with pytest.raises(AccessDenied):
        save_seller(context_for(new_tenant(), Role.ADMIN), SELLER)


def test_the_invoice_prints_the_seller_legal_mentions_and_the_buyer_identifiers(seller):
    assert save_seller(seller, SELLER) == {} and seller_missing() == []
    tenant = new_tenant()
    with platform_session() as s:
        open_wallet(s, tenant.id, "XAF")
    admin = context_for(tenant, Role.ADMIN)
    assert save_billing_profile(admin, "Acme SARL", "Rue 1.234 Akwa", "Douala", "",
                                "M012345678901A", "RC/DLA/2019/B/1234") == {}
    credit_wallet(tenant.id, 50_000)
    debit_wallet(tenant.id, 15_000, kind="seat", quantity=1, description="Abonnement (1 agents)")
    debit_wallet(tenant.id, 500, kind="sms", quantity=20)
    today = utcnow().date()
    invoice = issue_monthly_invoice(tenant.id, today.year, today.month)
    text = _text(invoice_pdf(admin, invoice.id))
    assert "voir contrat" not in text
    for mention in ("BIAR GROUP SA", "NIU : M098765432109Z", "RCCM : RC/DLA/2020/B/4321",
                    "NIU : M012345678901A", "RCCM : RC/DLA/2019/B/1234"):
        assert mention in text
    assert "Abonnement — licences agent du mois" in text and "SMS" in text


def test_a_missing_seller_identifier_is_left_out_not_replaced_by_a_placeholder(seller):
    save_seller(seller, SELLER)
    with platform_session() as s:
        from services.models.billing import PlatformOption
        option = s.get(PlatformOption, SELLER_KEY)
        option.value = {**SELLER, "niu": ""}
        s.add(option)
    assert seller_missing() == ["NIU"]
    tenant = new_tenant()
    with platform_session() as s:
        open_wallet(s, tenant.id, "XAF")
    credit_wallet(tenant.id, 1000)
    debit_wallet(tenant.id, 100, kind="sms", quantity=4)
    today = utcnow().date()
    invoice = issue_monthly_invoice(tenant.id, today.year, today.month)
    text = _text(invoice_pdf(context_for(tenant, Role.ADMIN), invoice.id))
    assert "NIU" not in text.split("Facturé à")[0] and "voir contrat" not in text


def test_the_first_purchase_invoice_details_seats_and_prepaid_credit_per_channel(pending_admin, twin):
    url = start_checkout(pending_admin, "onboarding")
    assert twin.pay(url, "4242 4242 4242 4242").status_code == 303
    def pdf():                      # the row is written first, then its PDF
        try:
            return invoice_pdf(pending_admin, list_invoices(pending_admin)[0].id)
        except (IndexError, InvoiceError):
            return None
    text = _text(wait_until(pdf, timeout=30, what="the purchase invoice's PDF"))
    assert "Abonnement — Siège agent (par mois)" in text
    assert "Crédit de consommation prépayé — Minute voix" in text
    assert "Crédit de consommation prépayé — SMS" in text
