"""The SMTP adapter against the sandbox's SMTP sink (aiosmtpd): the message as relayed —
our Message-ID, the headers, the text and HTML parts (two messages, on the connection the
first one opened), a file attached as a mail client reads it, and an unreachable relay a
transient failure."""
from email import policy
from email.parser import BytesParser

import pytest

from services.providers.email import EmailDeliveryError, EmailMessage, attachment
from services.providers.email.smtp import SmtpGateway, mime_of
from services.sandbox.sendgrid.app import Mailbox
from services.sandbox.smtp_sink import start_sink
from tests.support.ports import free_port


@pytest.fixture
def sink(tmp_path):
    mailbox, port = Mailbox(tmp_path / "emails.jsonl"), free_port()
    controller = start_sink(mailbox, port)
    yield mailbox, port
    controller.stop()


def _message(to: str, n: int) -> EmailMessage:
    return EmailMessage(to=to, subject=f"Offre n°{n}", text=f"Bonjour {n}",
                        html=f"<p>Bonjour <b>{n}</b></p>", sender="promo@b-gotocall.com",
                        headers={"List-Unsubscribe": "<https://app.test/u?a=1>",
                                 "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
                        message_id=f"<attempt.1.{n}@b-gotocall.com>")


def test_messages_reach_the_sink_with_our_message_id_and_headers(sink):
    mailbox, port = sink
    gateway = SmtpGateway("127.0.0.1", port, "", "", False, "no-reply@b-gotocall.com")
    ids = [gateway.send(_message("awa@exemple.cm", n)) for n in (1, 2)]
    assert ids == ["<attempt.1.1@b-gotocall.com>", "<attempt.1.2@b-gotocall.com>"]
    [second_mail, first_mail] = mailbox.messages("awa@exemple.cm")
    assert first_mail["message_id"] == ids[0] and first_mail["subject"] == "Offre n°1"
    assert first_mail["from"] == "promo@b-gotocall.com" and first_mail["via"] == "smtp"
    assert first_mail["headers"]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert first_mail["text"].strip() == "Bonjour 1" and "<b>1</b>" in first_mail["html"]
    assert mailbox.messages(message_id=ids[1]) == [second_mail]


def test_an_unreachable_relay_is_a_transient_failure():
    gateway = SmtpGateway("127.0.0.1", free_port(), "", "", False, "no-reply@b-gotocall.com")
    with pytest.raises(EmailDeliveryError) as failure:
        gateway.send(_message("awa@exemple.cm", 3))
    assert failure.value.permanent is False


def test_a_mail_client_reads_the_accents_and_the_attached_file():
    message = EmailMessage(to="awa@exemple.cm", subject="Votre synthèse de février", text="Bonjour Awa, voici le rapport.",
                           html="<p>Bonjour <b>Awa</b>, voici le rapport.</p>", sender="Démo SARL <rapports@demo.cm>",
                           attachments=[attachment("Synthèse février.pdf", b"%PDF-1.4 rapport", "application/pdf")])
    read = BytesParser(policy=policy.default).parsebytes(mime_of(message, message.sender))
    assert read["Subject"] == "Votre synthèse de février" and read["From"].addresses[0].display_name == "Démo SARL"
    assert read.get_body(("plain",)).get_content().strip() == "Bonjour Awa, voici le rapport."
    assert "<b>Awa</b>" in read.get_body(("html",)).get_content()
    [pdf] = read.iter_attachments()
    assert pdf.get_filename() == "Synthèse février.pdf" and pdf.get_content() == b"%PDF-1.4 rapport"


def test_a_line_break_in_a_contacts_field_adds_no_header_and_long_subjects_are_folded():
    subject = "Offre spéciale pour Awa\r\nBcc: tout-le-monde@exemple.cm " + "é" * 120
    message = EmailMessage(to="awa@exemple.cm", subject=subject, text="Bonjour", html="",
                           sender="promo@b-gotocall.com", message_id="<attempt.1.9@b-gotocall.com>")
    raw = mime_of(message, message.sender)
    read = BytesParser(policy=policy.default).parsebytes(raw)
    assert read["Bcc"] is None and read["Subject"] == " ".join(subject.splitlines())
    assert read.get_body(("plain",)).get_content().strip() == "Bonjour"
    assert max(len(line) for line in raw.split(b"\r\n")) <= 78 and raw.isascii()


def test_the_sending_threads_share_kept_connections(sink):
    """A run's threads come and go; the connection a finished thread used serves the next."""
    import threading

    mailbox, port = sink
    gateway = SmtpGateway("127.0.0.1", port, "", "", False, "no-reply@b-gotocall.com")
    for n in (4, 5):
        thread = threading.Thread(target=gateway.send, args=(_message("moussa@exemple.cm", n),))
        thread.start()
        thread.join()
    first, second = mailbox.messages("moussa@exemple.cm")
    assert first["received_from"] == second["received_from"] != ""

