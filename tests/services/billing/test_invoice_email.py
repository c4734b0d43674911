"""The invoice email carries its PDF (SendGrid v3 `attachments`, kept by the sandbox twin)."""
import io
import urllib.request

import pytest
from pypdf import PdfReader

from services.billing.invoices import invoice_number, issue_monthly_invoice
from services.billing.wallet import credit_wallet, debit_wallet, open_wallet
from services.db.engine import platform_session
from services.models.columns import utcnow
from services.models.platform import Role
from services.providers.email import EmailDeliveryError, EmailMessage, attachment
from services.providers.email.sendgrid import SendGridGateway
from tests.support.accounts import new_tenant, new_user
from tests.support.inbox import wait_for_message


def test_the_invoice_email_has_the_pdf_attached(product):
    tenant = new_tenant()
    admin = new_user(tenant, Role.ADMIN)
    with platform_session() as s:
        open_wallet(s, tenant.id, "XAF")
    credit_wallet(tenant.id, 20_000)
    debit_wallet(tenant.id, 1_500, kind="sms", quantity=60)
    now = utcnow()
    invoice = issue_monthly_invoice(tenant.id, now.year, now.month)
    number = invoice_number(invoice.number)

    message = wait_for_message(product.sandbox_url, admin)
    assert message["subject"].endswith(number)
    [pdf] = message["attachments"]
    assert (pdf["filename"], pdf["type"]) == (f"{number}.pdf", "application/pdf")
    with urllib.request.urlopen(product.sandbox_url + pdf["url"], timeout=10) as response:
        data = response.read()
    assert len(data) == pdf["size"] and data[:5] == b"%PDF-"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert number in text
    with urllib.request.urlopen(f"{product.sandbox_url}/inbox/?to={admin}", timeout=10) as r:
        assert f"{number}.pdf" in r.read().decode()


def test_the_twin_refuses_an_attachment_that_is_not_base64(product):
    from services.settings import get_settings

    gateway = SendGridGateway(get_settings().sendgrid_api_key, get_settings().sendgrid_host,
                              "no-reply@b-gotocall.com")
    good = attachment("note.txt", "Reçu".encode(), "text/plain")
    assert gateway.send(EmailMessage("a@exemple.cm", "Pièce jointe", "Voir le fichier.",
                                     attachments=[good]))
    with pytest.raises(EmailDeliveryError) as refused:
        gateway.send(EmailMessage("a@exemple.cm", "Cassée", "x",
                                  attachments=[{**good, "content": "pas du base64 !"}]))
    assert refused.value.permanent and "base64" in str(refused.value)
