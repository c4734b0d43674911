"""The sandbox inbox shows emails as a mail client would: web addresses are links to click."""
import httpx

from services.sandbox.sendgrid.app import Mailbox, inbox_app


async def test_addresses_in_an_email_are_clickable_and_the_rest_stays_text(tmp_path):
    mailbox = Mailbox(tmp_path / "mail.jsonl")
    mailbox.add({"id": "m1", "received_at": "2026-12-01T10:00:00+00:00", "from": "noreply@bgotocall.cm",
                 "to": ["awa@demo.cm"], "subject": "Vérifiez votre adresse",
                 "text": "Ouvrez ce lien :\nhttp://app.test/inscription/verifier?token=t0k&x=1\n<script>x</script>",
                 "html": "", "custom_args": {}, "attachments": []})

    transport = httpx.ASGITransport(app=inbox_app(mailbox))
    async with httpx.AsyncClient(transport=transport, base_url="http://sandbox") as client:
        page = (await client.get("/", params={"to": "awa@demo.cm"})).text

    href = "http://app.test/inscription/verifier?token=t0k&amp;x=1"
    assert f'<a href="{href}">{href}</a>' in page
    assert "<script>" not in page and "&lt;script&gt;x&lt;/script&gt;" in page


async def test_the_html_version_of_an_email_opens_without_running_scripts(tmp_path):
    mailbox = Mailbox(tmp_path / "mail.jsonl")
    mailbox.add({"id": "m2", "received_at": "2026-12-01T10:00:00+00:00", "from": "promo@b-gotocall.com",
                 "to": ["awa@demo.cm"], "subject": "Offre", "text": "Bonjour",
                 "html": '<p style="color: red">Bonjour <a href="http://app.test/c">ici</a></p>',
                 "custom_args": {}, "attachments": [], "via": "smtp"})
    mailbox.add({"id": "m3", "received_at": "2026-12-01T10:01:00+00:00", "from": "noreply@bgotocall.cm",
                 "to": ["awa@demo.cm"], "subject": "Texte seul", "text": "Bonjour", "html": "",
                 "custom_args": {}, "attachments": []})

    transport = httpx.ASGITransport(app=inbox_app(mailbox), root_path="/inbox")
    async with httpx.AsyncClient(transport=transport, base_url="http://sandbox") as client:
        page = (await client.get("/")).text
        shown = await client.get("/messages/m2/html")
        none = await client.get("/messages/m3/html")

    assert page.count("Voir la version HTML") == 1 and "/inbox/messages/m2/html" in page
    assert shown.status_code == 200 and 'href="http://app.test/c"' in shown.text
    assert shown.headers["content-security-policy"].startswith("sandbox")
    assert none.status_code == 404
