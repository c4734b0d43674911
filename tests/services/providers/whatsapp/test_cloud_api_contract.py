"""Contract: every request our WhatsApp adapter sends, and every answer and webhook of the Meta
twin, fit Meta's published description (../shared/specs/meta_business-messaging-api_v23.0.yaml);
errors are classed permanent or transient by Meta's code."""
from __future__ import annotations

import hmac
import json

import httpx
import pytest
from openapi_core.exceptions import OpenAPIError

from services.providers.whatsapp import (
    MediaRef, TemplateCall, WhatsAppError, signature, signature_ok,
)
from services.providers.whatsapp.account import WhatsAppAccount
from services.providers.whatsapp.cloud_api import CloudApiGateway
from tests.support.contract import (
    META_MEDIA, META_MEDIA_UPLOAD, META_SEND, META_TEMPLATE, META_TEMPLATES, Exchange,
    check_meta_error, check_meta_request, check_meta_response, check_meta_webhook,
)
from tests.support.waiting import wait_until


def _gateway(provider, token: str | None = None) -> CloudApiGateway:
    account = WhatsAppAccount(provider.store.phone_number_id, provider.store.waba_id,
                              token or provider.token)
    return CloudApiGateway(account, provider.base)


def _approved(provider, gateway: CloudApiGateway, name: str, body: str) -> str:
    template_id, status = gateway.submit_template(name, "fr", "MARKETING", body, ["Awa"])
    assert status == "PENDING"
    wait_until(lambda: gateway.template_status(template_id)[0] == "APPROVED", 10,
               what="template approved")
    return template_id


def _webhooks_about(provider, wamid: str) -> list[dict]:
    return [json.loads(raw) for raw, _ in provider.webhooks
            if wamid in raw.decode()]


def test_a_template_message_fits_the_spec_and_its_statuses_come_back_signed(meta_provider):
    gateway = _gateway(meta_provider)
    template_id = _approved(meta_provider, gateway, "promo_contrat", "Bonjour {{1}}, -10 % ce mois.")
    submitted = meta_provider.last("/message_templates")
    check_meta_request(submitted, META_TEMPLATES)
    check_meta_response(submitted, META_TEMPLATES)
    read_back = meta_provider.last(f"/{template_id}")
    check_meta_request(read_back, META_TEMPLATE)
    check_meta_response(read_back, META_TEMPLATE)

    sent = gateway.send_template("+237670001055", TemplateCall("promo_contrat", "fr", ("Awa",)),
                                 key="7:42")
    exchange = meta_provider.last("/messages")
    assert exchange.json_body()["biz_opaque_callback_data"] == "7:42"
    assert exchange.json_body()["to"] == "237670001055"
    check_meta_request(exchange, META_SEND)
    check_meta_response(exchange, META_SEND)
    assert sent.provider_id.startswith("wamid.")

    statuses = wait_until(lambda: len(_webhooks_about(meta_provider, sent.provider_id)) == 3
                          and _webhooks_about(meta_provider, sent.provider_id), 10,
                          what="sent, delivered, read")
    words = [p["entry"][0]["changes"][0]["value"]["statuses"][0]["status"] for p in statuses]
    assert words == ["sent", "delivered", "read"]
    for raw, headers in meta_provider.webhooks:
        check_meta_webhook(raw)
        assert signature_ok(meta_provider.app_secret, raw, headers["x-hub-signature-256"])
        assert not signature_ok("another-secret", raw, headers["x-hub-signature-256"])
    echoed = statuses[0]["entry"][0]["changes"][0]["value"]["statuses"][0]
    assert echoed["biz_opaque_callback_data"] == "7:42"
    decision = [json.loads(r) for r, _ in meta_provider.webhooks
                if b"message_template_status_update" in r][-1]
    assert decision["entry"][0]["changes"][0]["value"]["event"] == "APPROVED"


def test_text_image_and_document_messages_and_media_fit_the_spec(meta_provider):
    gateway = _gateway(meta_provider)
    media_id = gateway.upload_media(b"%PDF-1.4 devis", "application/pdf", "devis.pdf")
    upload = meta_provider.last("/media")
    check_meta_request(upload, META_MEDIA_UPLOAD)
    check_meta_response(upload, META_MEDIA_UPLOAD)
    assert gateway.download_media(media_id) == (b"%PDF-1.4 devis", "application/pdf")
    lookup = meta_provider.last(f"/{media_id}")
    check_meta_request(lookup, META_MEDIA)
    check_meta_response(lookup, META_MEDIA)

    gateway.send_text("+237670002055", "Bonjour, votre devis est prêt.", key="7:43")
    gateway.send_image("+237670002055", MediaRef(link="https://exemple.cm/promo.jpg"),
                       caption="Promo", key="7:44")
    gateway.send_document("+237670002055", MediaRef(id=media_id), filename="devis.pdf",
                          key="7:45")
    for exchange in [e for e in meta_provider.proxy.exchanges if e.path.endswith("/messages")][-3:]:
        check_meta_request(exchange, META_SEND)
        check_meta_response(exchange, META_SEND)


def test_the_spec_as_published_refuses_a_real_text_message_hence_its_correction(meta_provider):
    _gateway(meta_provider).send_text("+237670003055", "Bonjour", key="7:46")
    exchange = meta_provider.last("/messages")
    check_meta_request(exchange, META_SEND)  # corrected: Meta's real behaviour
    with pytest.raises(OpenAPIError):
        check_meta_request(exchange, META_SEND, corrected=False)
    body = exchange.json_body()
    body["text"]["colour"] = "red"  # a field Meta refuses: the check can fail
    wrong = Exchange(exchange.method, exchange.path, "", exchange.request_headers,
                     json.dumps(body).encode(), 200, {}, b"")
    with pytest.raises(OpenAPIError):
        check_meta_request(wrong, META_SEND)


def test_the_twin_refuses_what_meta_refuses_with_graph_api_errors(meta_provider):
    gateway = _gateway(meta_provider)
    with pytest.raises(WhatsAppError) as unknown:
        gateway.send_template("+237670004055", TemplateCall("jamais_soumis", "fr", ("x",)))
    assert unknown.value.permanent and unknown.value.code == "132001"
    check_meta_error(meta_provider.last("/messages"))
    with pytest.raises(WhatsAppError) as invalid:
        gateway.send_text("+237670004000", "Bonjour")  # rule: 00 is not a valid number
    assert invalid.value.permanent and invalid.value.code == "131009"
    with pytest.raises(WhatsAppError) as throttled:
        gateway.send_text("+237670004001", "Bonjour")  # rule: 01 throttled once
    assert not throttled.value.permanent and throttled.value.throttled
    assert throttled.value.code == "130429"
    check_meta_error(meta_provider.last("/messages"))
    gateway.send_text("+237670004001", "Bonjour")  # the next try passes
    with pytest.raises(WhatsAppError) as bad_token:
        _gateway(meta_provider, token="not-the-token").send_text("+237670004055", "Bonjour")
    assert bad_token.value.permanent and bad_token.value.code == "190"
    check_meta_error(meta_provider.last("/messages"))


def test_free_text_outside_the_window_fails_with_131047_then_passes_once_the_customer_wrote(
        meta_provider):
    gateway = _gateway(meta_provider)
    cold = gateway.send_text("+237670005055", "Bonjour", key="7:50")
    failed = wait_until(lambda: _webhooks_about(meta_provider, cold.provider_id), 10,
                        what="failed status")[0]["entry"][0]["changes"][0]["value"]["statuses"][0]
    assert failed["status"] == "failed" and failed["errors"][0]["code"] == 131047
    reply = httpx.post(f"{meta_provider.base}/_sandbox/inbound",
                       json={"from": "+237670005055", "body": "Bonjour, des questions ?"}, timeout=60)
    assert reply.status_code == 200
    check_meta_webhook(meta_provider.webhooks[-1][0])  # the customer's message, as Meta sends it
    warm = gateway.send_text("+237670005055", "Bonjour", key="7:51")
    first = wait_until(lambda: _webhooks_about(meta_provider, warm.provider_id), 10,
                       what="sent status")[0]["entry"][0]["changes"][0]["value"]["statuses"][0]
    assert first["status"] == "sent"


def test_the_signature_is_hmac_sha256_of_the_raw_body():
    raw = b'{"object":"whatsapp_business_account","entry":[]}'
    assert signature("secret", raw) == "sha256=" + hmac.new(b"secret", raw, "sha256").hexdigest()
    assert not signature_ok("secret", raw + b" ", signature("secret", raw))
    assert not signature_ok("secret", raw, "")


def test_a_customers_photo_and_pdf_arrive_as_meta_sends_them_and_can_be_downloaded(meta_provider):
    gateway = _gateway(meta_provider)
    for kind, extra in (("image", {"caption": "Ma facture"}),
                        ("document", {"filename": "releve.pdf"})):
        answer = httpx.post(f"{meta_provider.base}/_sandbox/inbound",
                            json={"from": "+237670006055", "type": kind, **extra}, timeout=60)
        assert answer.status_code == 200
        raw = meta_provider.webhooks[-1][0]
        check_meta_webhook(raw)
        message = json.loads(raw)["entry"][0]["changes"][0]["value"]["messages"][0]
        assert message["type"] == kind
        content, mime = gateway.download_media(message[kind]["id"])
        assert mime == message[kind]["mime_type"] and content


def test_metas_own_webhook_examples_validate_once_the_description_is_set_right():
    from services.sandbox.meta.wire import load_full_spec

    examples = load_full_spec()["paths"]["/whatsapp/webhooks"]["post"]["requestBody"][
        "content"]["application/json"]["examples"]
    for name in ("Text Message", "Image Message", "Button Message"):
        check_meta_webhook(json.dumps(examples[name]["value"]).encode())
    wrong = examples["Text Message"]["value"]
    wrong = json.loads(json.dumps(wrong))
    del wrong["entry"][0]["changes"][0]["value"]["messages"][0]["id"]  # the check can fail
    with pytest.raises(AssertionError):
        check_meta_webhook(json.dumps(wrong).encode())
