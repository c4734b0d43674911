"""The SendGrid adapter: what it sends, and what it is answered, fit SendGrid's published
spec; our tags travel as strings on the personalization's custom_args."""
import base64

import pytest
from openapi_core.exceptions import OpenAPIError

from services.providers.email import EmailDeliveryError, EmailMessage, attachment
from services.providers.email.sendgrid import SendGridGateway
from tests.support.contract import Exchange, check_sendgrid, check_sendgrid_response


def _gateway(provider) -> SendGridGateway:
    return SendGridGateway(provider.api_key, provider.base, "no-reply@b-gotocall.com")


def test_tags_travel_as_strings_on_the_personalization(sendgrid_provider):
    _gateway(sendgrid_provider).send(EmailMessage(
        to="compta@example-corp.cm", subject="Votre facture", text="Bonjour",
        tags={"kind": "invoice", "invoice_id": 42}))
    exchange = sendgrid_provider.last("/v3/mail/send")
    body = exchange.json_body()
    assert body["personalizations"][0]["custom_args"] == {"kind": "invoice", "invoice_id": "42"}
    assert "custom_args" not in body
    assert exchange.status == 202
    check_sendgrid(exchange)


def test_an_email_with_html_and_a_file_fits_the_spec(sendgrid_provider):
    _gateway(sendgrid_provider).send(EmailMessage(
        to="compta@example-corp.cm", subject="Facture 2026-11", text="Bonjour",
        html="<p>Bonjour</p>", tags={"kind": "invoice"},
        attachments=[attachment("facture.pdf", b"%PDF-1.4 test", "application/pdf")]))
    exchange = sendgrid_provider.last("/v3/mail/send")
    assert exchange.status == 202
    assert base64.b64decode(exchange.json_body()["attachments"][0]["content"]) == b"%PDF-1.4 test"
    check_sendgrid(exchange)


def test_a_refusal_is_permanent_and_has_sendgrids_error_shape(sendgrid_provider):
    with pytest.raises(EmailDeliveryError) as refused:
        _gateway(sendgrid_provider).send(EmailMessage(to="awa@example-corp.cm", subject="",
                                                      text="Sans objet"))
    assert refused.value.permanent
    exchange = sendgrid_provider.last("/v3/mail/send")
    assert exchange.status == 400
    check_sendgrid_response(exchange)


def _exchange(body: bytes) -> Exchange:
    return Exchange("POST", "/v3/mail/send", "", {"content-type": "application/json",
                                                  "authorization": "Bearer SG.x"},
                    body, 202, {}, b"")


def test_the_check_refuses_custom_args_that_are_not_strings():
    base = (b'{"personalizations":[{"to":[{"email":"a@example.cm"}]%s}],'
            b'"from":{"email":"n@example.cm"},"subject":"s",'
            b'"content":[{"type":"text/plain","value":"x"}]%s}')
    check_sendgrid(_exchange(base % (b"", b',"custom_args":{"kind":"invoice"}')))
    with pytest.raises(OpenAPIError):
        check_sendgrid(_exchange(base % (b"", b',"custom_args":{"invoice_id":42}')))
    with pytest.raises(OpenAPIError):
        check_sendgrid(_exchange(base % (b"", b',"custom_args":"invoice_id=42"')))


def test_a_campaign_email_with_its_rfc_8058_headers_fits_the_spec(sendgrid_provider):
    from services.messaging.email_rendering import render_email

    email = render_email(7, 99, "Offre", '<p class="ql-align-center">Bonjour <a href='
                         '"https://exemple.cm/offre">ici</a></p>', "Bonjour")
    _gateway(sendgrid_provider).send(EmailMessage(
        to="awa@exemple.cm", subject=email.subject, text=email.text, html=email.html,
        headers=email.headers, tags={"attempt": "7:99"}))
    exchange = sendgrid_provider.last("/v3/mail/send")
    assert exchange.status == 202
    assert exchange.json_body()["headers"] == email.headers
    assert email.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    check_sendgrid(exchange)
