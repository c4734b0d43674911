"""Messaging fixtures: the sandbox twins and the messaging webhook routes on the product's
configured ports (reused when the whole product already runs), a campaign ready to send."""
from __future__ import annotations

import html
import itertools
import os
import random
import signal
import subprocess
import sys
import threading

import httpx
import pytest
import uvicorn
from sqlmodel import select
from starlette.applications import Starlette

from services.audience.file_import import import_file
from services.billing.wallet import start_wallet
from services.campaigns.config import default_config
from services.campaigns.lifecycle import create_campaign, launch_campaign
from services.messaging.webhooks import routes as messaging_routes
from services.models.interactions import Interaction
from services.models.platform import Role
from services.db.tenancy import tenant_session
from services.settings import get_settings
from services.tenant_settings import save_messaging_settings
from tests.support.accounts import context_for, new_tenant
from tests.support.waiting import wait_until

ALWAYS_OPEN = {str(d): "00:00-12:00, 12:00-24:00" for d in range(7)}


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


@pytest.fixture(scope="module")
def sandbox():
    s = get_settings()
    health = f"{s.sandbox_url}/health"
    proc = None
    if not _answers(health):
        proc = subprocess.Popen([sys.executable, "-m", "services.sandbox.server", "--port",
                                 str(s.sandbox_port)], start_new_session=True)
        wait_until(lambda: _answers(health), timeout=30, what="sandbox up")
    yield Twin(s.sandbox_url)
    if proc is not None:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(10)


@pytest.fixture(scope="module")
def webhooks():
    """The messaging routes where the twins call back (the web app's, when it runs)."""
    s = get_settings()
    if _answers(f"http://127.0.0.1:{s.web_port}/api/health"):
        yield s
        return
    server = uvicorn.Server(uvicorn.Config(Starlette(routes=messaging_routes), host="127.0.0.1",
                                           port=s.web_port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    wait_until(lambda: server.started, timeout=10, what="webhook routes up")
    yield s
    server.should_exit = True
    thread.join(10)


class Twin:
    def __init__(self, sandbox_url: str, name: str = "twilio"):
        self.base = f"{sandbox_url}/{name}"

    def attempts(self, tenant_id: int) -> dict[int, int]:
        """Messages the twin created per attempt id of this tenant."""
        counts = httpx.get(f"{self.base}/_sandbox/attempts", timeout=60).json()
        prefix = f"{tenant_id}:"
        return {int(k[len(prefix):]): v for k, v in counts.items() if k.startswith(prefix)}

    def messages_to(self, phone: str) -> list[dict]:
        return [m for m in httpx.get(f"{self.base}/_sandbox/messages", timeout=60).json()
                if m["to"] == phone]

    def inbound(self, phone: str, body: str, to: str = "BGOTOCALL") -> dict:
        r = httpx.post(f"{self.base}/_sandbox/inbound", data={"From": phone, "To": to,
                                                              "Body": body}, timeout=60)
        r.raise_for_status()
        return r.json()

    def callbacks(self, on: bool) -> None:
        httpx.post(f"{self.base}/_sandbox/callbacks/{'on' if on else 'off'}", timeout=60).raise_for_status()


def contact_email(i: int, phone: str) -> str:
    """The address `contacts_csv` gives its i-th contact."""
    return f"client{i}-{phone[-6:]}@exemple.cm"


def contacts_csv(phones: list[str], names: list[str] | None = None,
                 fields: dict[str, list[str]] | None = None) -> bytes:
    """A contact file as a person exports it; `fields`: more columns (e.g. a tenant's custom
    field), one value per phone."""
    fields = fields or {}
    rows = [";".join(["Nom", "Prénom", "Téléphone", "Email", *fields])]
    for i, phone in enumerate(phones):
        name = names[i] if names else f"Client{i}"
        rows.append(";".join([name, "Awa", phone, contact_email(i, phone),
                              *(values[i] for values in fields.values())]))
    return ("\n".join(rows) + "\n").encode()


_next_phone = itertools.count(random.randrange(0, 90_000, 1000))


def phones(count: int) -> list[str]:
    """Cameroonian mobiles the twin delivers (none ends in 00-03), new to this test run."""
    return [f"+23767{next(_next_phone) % 100_000:05d}55" for _ in range(count)]


def phones_at_any_hour(count: int) -> list[str]:
    """French mobiles the twin delivers: no preset limits the hours an SMS may leave to them
    (Cameroon's does, 06:00–22:00 in Douala), so a test that answers at once passes at any hour."""
    return [f"+336{next(_next_phone) % 1_000_000:06d}55" for _ in range(count)]


class SmsCampaign:
    def __init__(self, count: int = 5, credit: int = 1_000_000, text: str = "Bonjour {Nom}, -10% ce mois.",
                 numbers: list[str] | None = None, names: list[str] | None = None,
                 launch: bool = True):
        self.tenant = new_tenant()
        self.admin = context_for(self.tenant, Role.ADMIN)
        self.phones = numbers or phones(count)
        self.list_id = import_file(self.admin, "Clients", contacts_csv(self.phones, names))
        start_wallet(self.tenant.id, "XAF", credit=credit)
        config = default_config(self.name)
        config["bands"] = dict(ALWAYS_OPEN)
        self.configure(config, text)
        config["lists"] = [self.list_id]
        self.campaign = create_campaign(self.admin, config)
        if launch:
            launch_campaign(self.admin, self.campaign.id)

    name = "Promo SMS"

    def configure(self, config: dict, text: str) -> None:
        config["channels"]["sms"].update(enabled=True, sender="BGOTOCALL", text=text)

    @property
    def id(self) -> int:
        return self.campaign.id


OFFER = "https://boutique.exemple.cm/offre?ref=promo&x=1"
HTML = ('<h1 class="ql-align-center">Bonjour {Nom}</h1><p class="ql-size-large">'
        '<a href="{Lien_Offre}">Voir l\'offre</a></p>'
        '<p><img src="https://cdn.exemple.cm/banniere.png"></p>'
        '<p><img src="data:image/png;base64,iVBORw0KGgo="></p>')


class EmailCampaign:
    """An email campaign (its link: `offer`) to these addresses, with the tenant's provider."""

    def __init__(self, emails: list[str], provider: str = "sendgrid", fallback_sms: bool = False,
                 launch: bool = True, offer: str = OFFER):
        self.tenant = new_tenant()
        self.admin = context_for(self.tenant, Role.ADMIN)
        self.phones = phones(len(emails))
        rows = ["Nom;Prénom;Téléphone;Email"] + [
            f"Client{i};Awa;{p};{e}" for i, (p, e) in enumerate(zip(self.phones, emails))]
        self.list_id = import_file(self.admin, "Clients", ("\n".join(rows) + "\n").encode())
        start_wallet(self.tenant.id, "XAF", credit=1_000_000)
        assert save_messaging_settings(self.admin, provider, False) == {}
        config = default_config("Promo email")
        config["bands"] = dict(ALWAYS_OPEN)
        config["channels"]["email"].update(enabled=True, sender="promo@b-gotocall.com",
                                           subject="Offre pour {Nom}",
                                           html=HTML.replace("{Lien_Offre}", html.escape(offer)))
        config["channels"]["sms"].update(sender="BGOTOCALL", text="Bonjour {Nom}, votre email "
                                                                  "nous est revenu.")
        if fallback_sms:
            config["fallbacks"] = [{"from": "email", "to": "sms"}]
        config["lists"] = [self.list_id]
        self.campaign = create_campaign(self.admin, config)
        if launch:
            launch_campaign(self.admin, self.campaign.id)

    def attempts(self) -> list[Interaction]:
        with tenant_session(self.admin) as s:
            return list(s.exec(select(Interaction).where(
                Interaction.campaign_id == self.campaign.id).order_by(Interaction.id)))

    def attempt(self, address: str) -> Interaction | None:
        return next((a for a in self.attempts() if a.address == address), None)
class MetaTwin(Twin):
    """The Meta twin of the running sandbox, seen from a test (attempts and callbacks as
    the Twilio twin's)."""

    def __init__(self, sandbox_url: str):
        super().__init__(sandbox_url, "meta")

    def conversation(self, phone: str) -> list[dict]:
        return httpx.get(f"{self.base}/_sandbox/conversations", params={"wa_id": phone}, timeout=60).json()

    def inbound(self, phone: str, body: str = "", **extra) -> dict:
        r = httpx.post(f"{self.base}/_sandbox/inbound", json={"from": phone, "body": body,
                                                              **extra}, timeout=60)
        r.raise_for_status()
        return r.json()


@pytest.fixture(scope="module")
def meta(sandbox, webhooks):
    """The Meta twin, its webhooks landing on the product's route."""
    return MetaTwin(get_settings().sandbox_url)


def approved_template(admin, body: str, name: str = "") -> int:
    """A template of the tenant's registry, submitted to Meta (the twin) and approved by its
    webhook, as in production."""
    from services.campaigns.whatsapp_templates import add_template, list_templates, submit_template

    template = add_template(admin, name or f"promo_t{admin.tenant_id}", "fr", "MARKETING", body)
    submit_template(admin, template.id)
    wait_until(lambda: any(t.id == template.id and t.status == "APPROVED"
                           for t in list_templates(admin)), timeout=20, what="template approved")
    return template.id


class WhatsAppCampaign(SmsCampaign):
    """A LIVE campaign whose only slot is WhatsApp: an approved template, {{1}} = {Nom}."""

    name = "Promo WhatsApp"

    def __init__(self, count: int = 3, numbers: list[str] | None = None,
                 names: list[str] | None = None, body: str = "Bonjour {{1}}, -10 % ce mois.",
                 launch: bool = True):
        super().__init__(count=count, text=body, numbers=numbers, names=names, launch=launch)

    def configure(self, config: dict, text: str) -> None:
        self.template_id = approved_template(self.admin, text)
        config["channels"]["whatsapp"].update(enabled=True, template_id=self.template_id,
                                              variables={"1": "Nom"})
