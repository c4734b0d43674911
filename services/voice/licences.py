"""Agent licences: how many the tenant's paid plan holds (platform Cart.agents), how many are used."""
from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, select

from services.db.engine import platform_session
from services.models.billing import Cart
from services.models.platform import Role, User


def licensed_agents(tenant_id: int) -> int:
    """Agent licences of the tenant's plan; 0 without a plan."""
    with platform_session() as session:
        cart = session.get(Cart, tenant_id)
        return cart.agents if cart else 0


def agents_in_use(session: Session, tenant_id: int) -> int:
    """Active agent accounts of the tenant: each one holds a licence."""
    return session.exec(select(func.count()).select_from(User).where(
        User.tenant_id == tenant_id, User.role == Role.AGENT.value, User.is_active)).one()


def lock_plan(session: Session, tenant_id: int) -> int:
    """Lock the tenant's plan row for the transaction (enrolments queue up) and return its licences."""
    cart = session.exec(select(Cart).where(Cart.tenant_id == tenant_id).with_for_update()).first()
    return cart.agents if cart else 0


def grant_licences(tenant_id: int, agents: int) -> None:
    """Give the tenant a plan with `agents` licences (demo data; the configurator does it for real)."""
    with platform_session() as session:
        cart = session.get(Cart, tenant_id) or Cart(tenant_id=tenant_id, channels=["voice"],
                                                     traffic={"voice": 1000})
        cart.agents = agents
        session.add(cart)


def licence_usage(tenant_id: int) -> tuple[int, int]:
    with platform_session() as session:
        return agents_in_use(session, tenant_id), licensed_agents(tenant_id)
