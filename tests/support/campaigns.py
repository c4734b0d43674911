"""What campaign tests need around a campaign: a ready list, a funded wallet, an agent."""
from __future__ import annotations

from services.audience.file_import import import_file
from services.billing.wallet import start_wallet
from services.campaigns.config import default_config
from services.platform.users import find_user
from services.models.platform import Role
from tests.support.accounts import new_user

CSV = ("Nom;Prénom;Téléphone;Email\n"
       "Mbarga;Paul;+237 671 23 45 67;paul@exemple.cm\n"
       "Dupont;Anne;+33 6 12 34 56 78;anne@exemple.fr\n")


def ready_list(ctx, name: str = "Clients") -> int:
    """A contact list "Prête" of two contacts, imported as the product imports."""
    return import_file(ctx, name, CSV.encode())


def fund(tenant_id: int, amount: int = 50_000, currency: str = "XAF") -> None:
    start_wallet(tenant_id, currency, credit=amount)


def new_agent(tenant) -> tuple[str, int]:
    email = new_user(tenant, Role.AGENT)
    return email, find_user(email).id


def launchable_config(list_id: int, agent_id: int, name: str = "Relance") -> dict:
    """Voice and SMS slots filled, one agent, one ready list: passes the pre-flight."""
    config = default_config(name)
    config["channels"]["voice"].update(enabled=True, script="<p>Bonjour {Prenom}</p>")
    config["channels"]["sms"].update(enabled=True, text="Bonjour {Nom}, -10% ce mois.")
    config.update(agents=[agent_id], lists=[list_id])
    return config
