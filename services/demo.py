"""Demo data: a super admin and the tenant "Démo SARL" with its team. Loaded once."""
from __future__ import annotations

from dataclasses import dataclass

from services.billing.wallet import start_wallet
from services.db.tenancy import create_tenant
from services.models.platform import Role, TenantStatus
from services.platform.users import create_user, find_user
from services.settings import get_settings
from services.voice.directory import give_extensions
from services.voice.licences import grant_licences

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
    return True
