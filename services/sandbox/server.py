"""The sandbox process: local twins of the outside world on one HTTP port."""
from __future__ import annotations

import argparse

import uvicorn
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Mount, Route

from services.sandbox.sendgrid.app import EventSender, Mailbox, inbox_app, sendgrid_app
from services.sandbox.smtp_sink import start_sink
from services.sandbox.stripe.app import stripe_app
from services.sandbox.stripe.store import StripeStore
from services.sandbox.twilio.app import TwilioStore, twilio_app
from services.settings import get_settings


def sandbox_mailbox() -> Mailbox:
    return Mailbox(get_settings().data_dir / "sandbox" / "emails.jsonl")


def build_app(mailbox: Mailbox | None = None) -> Starlette:
    """`mailbox`: shared with the SMTP sink, so one lock orders every write to the inbox."""
    s = get_settings()
    mailbox = mailbox or sandbox_mailbox()

    async def health(request):
        return JSONResponse({"status": "ok"})

    return Starlette(routes=[
        Route("/health", health),
        Mount("/sendgrid", sendgrid_app(mailbox, s.sendgrid_api_key,
                                          EventSender(s.sendgrid_event_url))),
        Mount("/inbox", inbox_app(mailbox)),
        Mount("/stripe", stripe_app(StripeStore(s.stripe_webhook_url, s.stripe_webhook_secret,
                                                f"{s.sandbox_url}/stripe"), s.stripe_api_key)),
        Mount("/twilio", twilio_app(TwilioStore(s.twilio_account_sid, s.twilio_auth_token,
                                                s.twilio_inbound_url))),
    ])


def main() -> None:
    parser = argparse.ArgumentParser(description="B-GOTOCALL sandbox providers")
    parser.add_argument("--port", type=int, default=get_settings().sandbox_port)
    parser.add_argument("--smtp-port", type=int, default=get_settings().smtp_sink_port,
                        help="the SMTP sink whose mails land in the inbox")
    args = parser.parse_args()
    mailbox = sandbox_mailbox()
    sink = start_sink(mailbox, args.smtp_port)
    try:
        uvicorn.run(build_app(mailbox), host="127.0.0.1", port=args.port, log_level="warning")
    finally:
        sink.stop()


if __name__ == "__main__":
    main()
