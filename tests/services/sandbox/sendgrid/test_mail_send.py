"""The SendGrid twin refuses custom_args that SendGrid refuses, with SendGrid's 400 body.
Driven by the official sendgrid SDK."""
import json

import pytest
from python_http_client.exceptions import BadRequestsError
from sendgrid.helpers.mail import CustomArg, Mail

BARE_BAD_REQUEST = {"errors": [{"message": "Bad Request", "field": None, "help": None}]}


def _mail(to: str) -> Mail:
    return Mail(from_email="no-reply@example.test", to_emails=to, subject="Facture",
                plain_text_content="Votre facture est prête.")


def _refusal(client, body) -> dict:
    with pytest.raises(BadRequestsError) as caught:
        client.send(body)
    assert caught.value.status_code == 400
    return json.loads(caught.value.body)


def test_a_number_in_custom_args_is_refused(sendgrid_twin):
    client, mailbox = sendgrid_twin
    personal = _mail("number@example.test")
    personal.add_custom_arg(CustomArg("invoice_id", 42, p=0))
    message_level = _mail("number@example.test")
    message_level.add_custom_arg(CustomArg("invoice_id", 42))
    assert _refusal(client, personal) == BARE_BAD_REQUEST
    assert _refusal(client, message_level) == BARE_BAD_REQUEST
    assert mailbox.messages("number@example.test") == []


def test_custom_args_given_as_a_string_is_refused_not_a_crash(sendgrid_twin):
    client, _ = sendgrid_twin
    body = _mail("string@example.test").get()
    body["custom_args"] = "invoice_id=42"
    assert _refusal(client, body) == BARE_BAD_REQUEST
    body = _mail("string@example.test").get()
    body["personalizations"][0]["custom_args"] = "invoice_id=42"
    assert _refusal(client, body) == BARE_BAD_REQUEST


def test_string_custom_args_are_accepted_and_kept(sendgrid_twin):
    client, mailbox = sendgrid_twin
    mail = _mail("strings@example.test")
    mail.add_custom_arg(CustomArg("invoice_id", "42", p=0))
    mail.add_custom_arg(CustomArg("kind", "invoice"))
    assert client.send(mail).status_code == 202
    [received] = mailbox.messages("strings@example.test")
    assert received["custom_args"] == {"invoice_id": "42", "kind": "invoice"}
