"""The sink keeps a mail as received and the inbox reads its parts: 8-bit UTF-8 bodies and
encoded headers read as sent, after the mailbox file's round trip."""
from services.providers.email import EmailMessage
from services.providers.email.smtp import mime_of
from services.sandbox.sendgrid.app import Mailbox
from services.sandbox.smtp_sink import record_of

EIGHT_BIT = ("From: promo@demo.cm\r\nTo: awa@exemple.cm\r\nSubject: =?utf-8?q?R=C3=A9duction?=\r\n"
             "Message-ID: <attempt.1.7@demo.cm>\r\nMIME-Version: 1.0\r\n"
             "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
             "Bonjour Awa, -10 % sur les crêpes. À bientôt ✓\r\n").encode("utf-8")


def test_an_8bit_mail_reads_as_sent(tmp_path):
    mailbox = Mailbox(tmp_path / "mail.jsonl")
    mailbox.add(record_of(EIGHT_BIT, "promo@demo.cm", ["awa@exemple.cm"]))
    [mail] = Mailbox(tmp_path / "mail.jsonl").messages(message_id="<attempt.1.7@demo.cm>")
    assert mail["subject"] == "Réduction" and mail["headers"]["Content-Transfer-Encoding"] == "8bit"
    assert mail["text"].strip() == "Bonjour Awa, -10 % sur les crêpes. À bientôt ✓"
    assert mail["html"] == "" and "raw" not in mail


def test_our_campaign_mail_reads_its_text_and_html(tmp_path):
    mailbox = Mailbox(tmp_path / "mail.jsonl")
    sent = EmailMessage(to="awa@exemple.cm", subject="Offre spéciale", text="Bonjour Awa",
                        html="<p>Bonjour <b>Awa</b> — été</p>", sender="promo@demo.cm",
                        message_id="<attempt.1.8@demo.cm>")
    mailbox.add(record_of(mime_of(sent, sent.sender), sent.sender, [sent.to]))
    [mail] = mailbox.messages("awa@exemple.cm")
    assert mail["subject"] == "Offre spéciale" and mail["message_id"] == "<attempt.1.8@demo.cm>"
    assert mail["text"].strip() == "Bonjour Awa" and mail["html"] == "<p>Bonjour <b>Awa</b> — été</p>"
