"""The SendGrid twin's Email Activity API (`GET /v3/messages`): the query forms the product sends,
SendGrid's refusals (no key, no add-on, a query or limit it does not take)."""
import httpx

from services.sandbox.sendgrid.app import Mailbox, sendgrid_app

KEY = "SG.sandbox-key"


def _record(message_id: str, to: str, attempt: str, via: str = "sendgrid") -> dict:
    return {"id": message_id, "received_at": "2026-12-01T10:00:00+00:00", "from": "promo@b-gotocall.com",
            "to": [to], "subject": "Offre", "text": "Bonjour", "html": "", "custom_args": {"attempt": attempt},
            "attachments": [], "via": via}


async def _ask(app, query: str, key: str = KEY, limit: str = "10") -> httpx.Response:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://sandbox") as client:
        return await client.get("/v3/messages", params={"query": query, "limit": limit},
                                headers={"Authorization": f"Bearer {key}"} if key else {})


async def test_a_message_is_found_by_our_custom_args_and_a_bounce_is_not_delivered(tmp_path):
    mailbox = Mailbox(tmp_path / "mail.jsonl")
    mailbox.add(_record("abc123", "awa@demo.cm", "7:41"))
    mailbox.add(_record("def456", "bounce-ali@demo.cm", "7:42"))
    mailbox.add(_record("smtp789", "awa@demo.cm", "7:43", via="smtp"))     # not SendGrid's
    app = sendgrid_app(mailbox, KEY)

    [found] = (await _ask(app, "unique_args['attempt']=\"7:41\"")).json()["messages"]
    assert found["msg_id"].partition(".")[0] == "abc123" and found["status"] == "delivered"
    [bounced] = (await _ask(app, "(unique_args['attempt']=\"7:42\") AND to_email=\"bounce-ali@demo.cm\"")
                 ).json()["messages"]
    assert bounced["status"] == "not_delivered"
    assert (await _ask(app, "unique_args['attempt']=\"7:43\"")).json() == {"messages": []}


async def test_refusals_carry_sendgrids_error_shape(tmp_path):
    app = sendgrid_app(Mailbox(tmp_path / "mail.jsonl"), KEY)
    assert (await _ask(app, "to_email=\"a@b.cm\"", key="")).status_code == 401
    assert (await _ask(app, "to_email=\"a@b.cm\"", key="SG.other")).status_code == 403
    bad = await _ask(app, "to_email LIKE \"a%\"")
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "query"
    assert (await _ask(app, "to_email=\"a@b.cm\"", limit="5000")).status_code == 400

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://sandbox") as client:
        await client.post("/_sandbox/activity/off")
    no_add_on = await _ask(app, "to_email=\"a@b.cm\"")
    assert no_add_on.status_code == 403 and no_add_on.json()["errors"][0]["message"] == "access forbidden"
