"""The Twilio twin: Programmable Messaging (2010-04-01 API) as the `twilio` SDK uses it.

- POST /2010-04-01/Accounts/{sid}/Messages.json (HTTP Basic account sid : auth token) creates
  a message and answers 201 with Twilio's Message resource; then the twin POSTs its status
  callbacks (`sent`, then the final status) to the message's StatusCallback, signed with
  `X-Twilio-Signature` exactly as Twilio signs (HMAC-SHA1 of the URL and the sorted form
  parameters, keyed by the auth token: the SDK's own RequestValidator computes it).
- GET .../Messages.json (To, From, DateSent>, PageSize) and .../Messages/{MessageSid}.json.
- The outcome is chosen by the last two digits of the `To` number:
    00 → refused at creation: 400, error 21211 (invalid 'To' number) — permanent;
    01 → the first creation answers 429 (error 20429), the next ones are accepted — transient;
    02 → accepted, then `undelivered` with ErrorCode 30003 (unreachable handset);
    03 → accepted, then `failed` with ErrorCode 30008 (unknown error);
    04 → accepted and left `queued` in Twilio's own queue (as behind a sender over its rate):
         no callback, no date sent;
    anything else → accepted, `sent`, then `delivered`.
- /_sandbox/...: the other side. `GET /_sandbox/` is the customers' phones (HTML: each phone's
  SMS, `?to=` one phone, and a form to answer as that person would); `POST /_sandbox/inbound`
  (From, To, Body) makes the phone `From` text our number: the twin POSTs it, signed, to the
  product's SMS webhook.
  `GET /_sandbox/messages` lists what was received, `GET /_sandbox/requests` the raw API
  requests (contract tests check them against Twilio's OpenAPI); `GET /_sandbox/attempts` counts the
  messages created per attempt id of the product (the `a` and `t` parameters of the
  StatusCallback URL), which is how tests prove that nothing was sent twice.
"""
from __future__ import annotations

import asyncio
import base64
import html
import secrets
import threading
from collections import Counter, deque
from datetime import datetime, timezone
from email.utils import format_datetime
from urllib.parse import parse_qs, parse_qsl, urlsplit

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route
from twilio.request_validator import RequestValidator

from services.sandbox.callbacks import Callbacks

API = "/2010-04-01/Accounts/{account_sid}"


def _error(status: int, code: int, message: str) -> JSONResponse:
    return JSONResponse({"code": code, "message": message, "status": status,
                         "more_info": f"https://www.twilio.com/docs/errors/{code}"},
                        status_code=status)


def _segments(body: str) -> str:
    """Twilio's count: GSM 03.38 (160 / 153 per part) or UCS-2 (70 / 67) — the standard rule,
    the one table of it the repository has."""
    from services.campaigns.sms import sms_length

    return str(max(sms_length(body).segments, 1))


def attempt_key(callback_url: str) -> str:
    query = parse_qs(urlsplit(callback_url or "").query)
    if "a" not in query:
        return ""
    return f"{query.get('t', [''])[0]}:{query['a'][0]}"


class TwilioStore:
    def __init__(self, account_sid: str, auth_token: str, inbound_url: str):
        self.account_sid, self.auth_token, self.inbound_url = account_sid, auth_token, inbound_url
        self.messages: dict[str, dict] = {}
        self.by_to: dict[str, list[dict]] = {}  # the reconciliation's look-up by 'To'
        self.per_attempt: Counter[str] = Counter()
        self.throttled: set[str] = set()
        self.deliver_callbacks = True
        self.callbacks = Callbacks()
        self.requests: deque[dict] = deque(maxlen=10_000)  # raw API requests (contract tests)
        self.replies: deque[dict] = deque(maxlen=10_000)  # what the phones wrote, for the page
        self._lock = threading.Lock()

    def outcome(self, to: str) -> str:
        return {"00": "invalid", "01": "throttle", "02": "undelivered",
                "03": "failed", "04": "held"}.get(to[-2:], "delivered")

    def create(self, form: dict) -> tuple[dict | None, JSONResponse | None]:
        to, sender, body = form.get("To", ""), form.get("From", ""), form.get("Body", "")
        if not sender and not form.get("MessagingServiceSid"):
            return None, _error(400, 21603, "A 'From' or 'MessagingServiceSid' parameter is required to send a message")
        if not body and not form.get("MediaUrl"):
            return None, _error(400, 21602, "Message body is required.")
        if not to.startswith("+") or not to[1:].isdigit() or self.outcome(to) == "invalid":
            return None, _error(400, 21211, f"Invalid 'To' Phone Number: {to}")
        with self._lock:
            if self.outcome(to) == "throttle" and to not in self.throttled:
                self.throttled.add(to)
                return None, _error(429, 20429, "Too Many Requests")
            now = datetime.now(timezone.utc)
            sid = "SM" + secrets.token_hex(16)
            record = {
                "sid": sid, "account_sid": self.account_sid, "api_version": "2010-04-01",
                "to": to, "from": sender, "body": body, "status": "queued",
                "direction": "outbound-api", "num_segments": _segments(body), "num_media": "0",
                "date_created": format_datetime(now, usegmt=True),
                "date_updated": format_datetime(now, usegmt=True), "date_sent": None,
                "error_code": None, "error_message": None, "price": None, "price_unit": "USD",
                "messaging_service_sid": form.get("MessagingServiceSid"),
                "uri": f"{API.format(account_sid=self.account_sid)}/Messages/{sid}.json",
                "subresource_uris": {"media": f"{API.format(account_sid=self.account_sid)}/Messages/{sid}/Media.json"},
                "_created": now, "_callback": form.get("StatusCallback", ""),
            }
            self.messages[sid] = record
            self.by_to.setdefault(to, []).append(record)
            key = attempt_key(record["_callback"])
            if key:
                self.per_attempt[key] += 1
        return record, None

    def advance(self, record: dict, status: str, error_code: int | None = None) -> dict:
        now = datetime.now(timezone.utc)
        record["status"], record["date_updated"] = status, format_datetime(now, usegmt=True)
        if status == "sent":
            record["date_sent"], record["_sent"] = format_datetime(now, usegmt=True), now
        if error_code:
            record["error_code"] = error_code
        params = {"MessageSid": record["sid"], "SmsSid": record["sid"],
                  "AccountSid": self.account_sid, "From": record["from"], "To": record["to"],
                  "MessageStatus": status, "SmsStatus": status, "ApiVersion": "2010-04-01"}
        if error_code:
            params["ErrorCode"] = str(error_code)
        return params

    def sign(self, url: str, params: dict) -> str:
        return RequestValidator(self.auth_token).compute_signature(url, params)


async def _form(request: Request) -> dict[str, str]:
    """The API's form body (the standard library's parser: python-multipart's, which Starlette
    uses, was a tenth of the twin's time per SMS); a repeated key keeps its last value."""
    return dict(parse_qsl((await request.body()).decode("utf-8", "replace"),
                          keep_blank_values=True))


def public(record: dict) -> dict:
    return {k: v for k, v in record.items() if not k.startswith("_")}


async def _post_signed(store: TwilioStore, url: str, params: dict) -> int:
    return await store.callbacks.post(url, data=params, headers={
        "X-Twilio-Signature": store.sign(url, params), "User-Agent": "TwilioProxy/1.1"})


async def _run_callbacks(store: TwilioStore, record: dict) -> None:
    final = store.outcome(record["to"])
    if final == "held":
        return
    steps = [("sent", None)]
    steps.append({"undelivered": ("undelivered", 30003), "failed": ("failed", 30008)}
                 .get(final, ("delivered", None)))
    for status, code in steps:
        params = store.advance(record, status, code)
        if record["_callback"] and store.deliver_callbacks:
            await _post_signed(store, record["_callback"], params)


def _parse_date(text: str) -> datetime | None:
    text = (text or "").strip()
    if not text:
        return None
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def twilio_app(store: TwilioStore) -> Starlette:
    def authorized(request: Request) -> bool:
        auth = request.headers.get("authorization", "")
        if not auth.startswith("Basic "):
            return False
        try:
            user, _, password = base64.b64decode(auth[6:]).decode().partition(":")
        except ValueError:
            return False
        return (user == request.path_params["account_sid"] == store.account_sid
                and secrets.compare_digest(password, store.auth_token))

    async def keep_request(request: Request) -> None:
        path = request.url.path.removeprefix(request.scope.get("root_path", ""))  # the mount
        store.requests.append({"method": request.method, "path": path,
                               "query": request.url.query,
                               "content_type": request.headers.get("content-type", ""),
                               # the scheme only: the credentials are not kept
                               "authorization": request.headers.get("authorization", "")
                               .partition(" ")[0],
                               "body": (await request.body()).decode("utf-8", "replace")})

    async def messages(request: Request) -> Response:
        await keep_request(request)
        if not authorized(request):
            return _error(401, 20003, "Authenticate")
        if request.method == "POST":
            form = await _form(request)
            record, problem = store.create(form)
            if problem:
                return problem
            asyncio.get_running_loop().create_task(_run_callbacks(store, record))
            return JSONResponse(public(record), status_code=201)
        q = request.query_params
        since = _parse_date(q.get("DateSent>", ""))
        candidates = store.by_to.get(q["To"], []) if q.get("To") else store.messages.values()
        rows = [m for m in candidates
                if (not q.get("To") or m["to"] == q["To"])
                and (not q.get("From") or m["from"] == q["From"])
                # as Twilio: DateSent filters on the date sent, so a message still queued is left out
                and (since is None or (m.get("_sent") is not None and m["_sent"] >= since))]
        rows.sort(key=lambda m: m["_created"], reverse=True)
        size = int(q.get("PageSize", 50))
        base = f"{API.format(account_sid=store.account_sid)}/Messages.json"
        return JSONResponse({"messages": [public(m) for m in rows[:size]], "end": len(rows[:size]) - 1,
                             "first_page_uri": base, "next_page_uri": None, "page": 0,
                             "page_size": size, "previous_page_uri": None, "start": 0,
                             "uri": base})

    async def message(request: Request) -> Response:
        await keep_request(request)
        if not authorized(request):
            return _error(401, 20003, "Authenticate")
        record = store.messages.get(request.path_params["sid"])
        if record is None:
            return _error(404, 20404, "The requested resource was not found")
        return JSONResponse(public(record))

    async def inbound(request: Request) -> Response:
        form = dict(await request.form()) if "form" in request.headers.get("content-type", "") \
            else await request.json()
        params = {"MessageSid": "SM" + secrets.token_hex(16), "AccountSid": store.account_sid,
                  "From": form["From"], "To": form.get("To", ""), "Body": form.get("Body", ""),
                  "NumMedia": "0", "NumSegments": _segments(form.get("Body", "")), "SmsStatus": "received",
                  "ApiVersion": "2010-04-01"}
        params["SmsSid"] = params["SmsMessageSid"] = params["MessageSid"]
        store.replies.append({"from": params["From"], "to": params["To"], "body": params["Body"],
                              "_created": datetime.now(timezone.utc)})
        status = await _post_signed(store, store.inbound_url, params)
        if form.get("redirect"):  # the phones page's form: back to that phone
            back = f"{request.url_for('sms_phones')}?to={_digits(params['From'])}"
            return RedirectResponse(back, status_code=303)
        return JSONResponse({"sid": params["MessageSid"], "webhook_status": status})

    async def phones(request: Request) -> HTMLResponse:
        return HTMLResponse(phones_page(store, str(request.url_for("sms_inbound")),
                                        _digits(request.query_params.get("to", ""))))

    async def sandbox_messages(request: Request) -> Response:
        return JSONResponse([public(m) for m in store.messages.values()])

    async def requests_received(request: Request) -> Response:
        return JSONResponse(list(store.requests)[-int(request.query_params.get("last", 100)):])

    async def attempts(request: Request) -> Response:
        return JSONResponse(dict(store.per_attempt))

    async def callbacks_switch(request: Request) -> Response:
        store.deliver_callbacks = request.path_params["state"] == "on"
        return JSONResponse({"deliver_callbacks": store.deliver_callbacks})

    return Starlette(routes=[
        Route(API + "/Messages.json", messages, methods=["GET", "POST"]),
        Route(API + "/Messages/{sid}.json", message),
        Route("/_sandbox/", phones, name="sms_phones"),  # names: unique in the sandbox
        Route("/_sandbox/inbound", inbound, methods=["POST"], name="sms_inbound"),
        Route("/_sandbox/messages", sandbox_messages),
        Route("/_sandbox/attempts", attempts),
        Route("/_sandbox/requests", requests_received),
        Route("/_sandbox/callbacks/{state}", callbacks_switch, methods=["POST"]),
    ])


def _digits(phone: str) -> str:
    """A number as a query string carries it (its "+" may arrive as a space)."""
    return "".join(c for c in phone if c.isdigit())


def phones_page(store: TwilioStore, inbound_url: str, phone: str = "") -> str:
    """The customers' side: each phone's SMS from the product and its replies, newest thread
    first (`phone`, its digits: that one only), and a form to answer our sender as the person
    would."""
    threads: dict[str, list[dict]] = {}
    for m in store.messages.values():
        threads.setdefault(m["to"], []).append({**m, "_out": True})
    for r in store.replies:
        threads.setdefault(r["from"], []).append({**r, "_out": False})
    if phone:
        threads = {number: rows for number, rows in threads.items() if _digits(number) == phone}

    def bubble(m: dict) -> str:
        status = f" <small>({html.escape(m['status'])})</small>" if m["_out"] else ""
        return (f"<p class={'out' if m['_out'] else 'in'} data-testid=sms>"
                f"{html.escape(m['body'])}{status}</p>")

    def thread(number: str, rows: list[dict]) -> str:
        rows.sort(key=lambda m: m["_created"])
        ours = next((m["from"] for m in reversed(rows) if m["_out"]), "")
        return (f"<article><h3>{html.escape(number)}</h3>{''.join(bubble(m) for m in rows)}"
                f"<form method=post action='{html.escape(inbound_url)}'>"
                f"<input type=hidden name=From value='{html.escape(number)}'>"
                f"<input type=hidden name=To value='{html.escape(ours)}'>"
                "<input type=hidden name=redirect value=1>"
                "<input name=Body required placeholder='Réponse (STOP pour se désinscrire)' "
                "size=40> <button>Envoyer</button></form></article>")

    sections = "".join(thread(number, rows) for number, rows in sorted(
        threads.items(), key=lambda kv: -max((m["_created"].timestamp() for m in kv[1]),
                                             default=0))
    ) or "<p>Aucun SMS pour l'instant.</p>"
    return ("<!doctype html><meta charset=utf-8><title>SMS (sandbox)</title>"
            "<style>body{font-family:sans-serif;max-width:48rem;margin:2rem auto}"
            "article{border:1px solid #ddd;border-radius:8px;padding:1rem;margin:1rem 0}"
            "p{padding:.4rem .7rem;border-radius:8px;max-width:80%}"
            ".out{background:#eee}.in{background:#cde4ff;margin-left:auto}</style>"
            "<h1>Téléphones SMS du bac à sable</h1>" + sections)
