"""Demo data: a super admin and the tenant "Démo SARL" with its team, a contact list and two
campaigns (one live). Loaded once."""
from __future__ import annotations

from dataclasses import dataclass

from services.audience.file_import import import_file
from services.billing.wallet import start_wallet
from services.campaigns.config import default_config
from services.campaigns.lifecycle import create_campaign, launch_campaign
from services.identity.system import system_context
from services.db.tenancy import create_tenant
from services.models.platform import Role, TenantStatus
from services.platform.users import create_user, find_user
from services.settings import get_settings
from services.teams import create_team
from services.voice.directory import give_extensions
from services.voice.licences import grant_licences
from services.voice.skills import set_agent_skill, set_agent_teams

SUPER_ADMIN_EMAIL = "superadmin@b-gotocall.com"


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str


DEMO_USERS = [
    ("Administrateur Client", "admin@demo-sarl.cm", "Awa Mbarga", Role.ADMIN),
    ("Superviseur", "superviseur@demo-sarl.cm", "Paul Nkodo", Role.SUPERVISOR),
    ("Agent", "agent1@demo-sarl.cm", "Hélène Fotso", Role.AGENT),
    ("Agent", "agent2@demo-sarl.cm", "François Eto'o", Role.AGENT),
    ("Agent", "agent3@demo-sarl.cm", "Chantal Biya", Role.AGENT),
]


def demo_logins() -> list[DemoLogin]:
    return [DemoLogin("Super Admin", SUPER_ADMIN_EMAIL)] + [
        DemoLogin(label, email) for label, email, _, _ in DEMO_USERS]


def load_demo_data() -> bool:
    """Create the demo accounts unless they exist; True when something was created."""
    if find_user(SUPER_ADMIN_EMAIL):
        return False
    password = get_settings().demo_password
    create_user(SUPER_ADMIN_EMAIL, password, "Équipe BIAR GROUP", Role.SUPER_ADMIN, None)
    tenant = create_tenant("demo", "Démo SARL", "CM", "XAF", TenantStatus.ACTIVE)
    for _, email, name, role in DEMO_USERS:
        create_user(email, password, name, role, tenant.id)
    grant_licences(tenant.id, 5)   # a plan with 5 agent licences: 3 agents and room for 2
    give_extensions(tenant.id)
    start_wallet(tenant.id, "XAF", credit=250_000, low_threshold=20_000,
                 reference="demo-credit", description="Crédit de démonstration")
    _demo_campaigns(tenant.id)
    return True


FIRST_NAMES = ("Paul", "Aïcha", "Jean", "Brigitte", "Samuel", "Nadège", "Ibrahim", "Carine", "Thierry", "Mireille")
LAST_NAMES = ("Mbarga", "Ndongo", "Tchoupo", "Essomba", "Bello", "Ngo Bayiha", "Fotso", "Kamga")


def demo_contacts_csv(count: int = 40) -> str:
    """Customers of Douala and Yaoundé; the numbers' last digits cover every outcome of the PBX simulator."""
    rows = ["Nom;Prénom;Téléphone;Email;Ville"]
    for n in range(count):
        first, last = FIRST_NAMES[n % len(FIRST_NAMES)], LAST_NAMES[(n * 3) % len(LAST_NAMES)]
        phone = f"+237 6{70 + n % 30:02d} {n * 37 % 100:02d} {n * 11 % 100:02d} {10 + n:02d}"
        email = f"{first}.{last}".lower().replace(" ", "").replace("ï", "i").replace("è", "e") + f"{n}@exemple.cm"
        rows.append(f"{last};{first};{phone};{email};{'Douala' if n % 3 else 'Yaoundé'}")
    return "\n".join(rows) + "\n"


def _demo_campaigns(tenant_id: int) -> None:
    supervisor = system_context(tenant_id, find_user("superviseur@demo-sarl.cm").id)
    agents = [find_user(email).id for _, email, _, role in DEMO_USERS if role == Role.AGENT]
    clients = import_file(supervisor, "Clients Douala–Yaoundé", demo_contacts_csv().encode())
    relance = default_config("Relance impayés")
    relance["channels"]["voice"].update(
        enabled=True, script="<p>Bonjour {Prenom} {Nom}, je vous appelle de la part de Démo SARL "
                             "au sujet de votre facture en attente.</p>")
    relance["channels"]["sms"].update(enabled=True, sender="DEMOSARL",
                                      text="Bonjour {Prenom}, votre facture Démo SARL est en attente. STOP au 8000")
    team = create_team(supervisor, "Recouvrement", "Relance des factures impayées")
    for agent, english in zip(agents[:2], (4, 2)):
        set_agent_teams(supervisor, agent, [team.id])
        set_agent_skill(supervisor, agent, "Anglais", english)
    relance.update(agents=agents[:2], lists=[clients])
    launch_campaign(supervisor, create_campaign(supervisor, relance).id)
    fidelite = default_config("Fidélisation fin d'année")
    fidelite["channels"]["sms"].update(enabled=True, sender="DEMOSARL",
                                       text="{Prenom}, -15 % sur votre prochaine commande jusqu'au 31/12. STOP au 8000")
    fidelite.update(agents=agents[2:], lists=[clients])
    create_campaign(supervisor, fidelite)
