"""Billing tables of the `platform` schema: prices, carts, payments, the Smart Wallet
ledger, gateway events, invoices, sign-ups and the provisioning log.

Money is always an integer of the currency's minor unit (XAF/XOF: whole francs).
"""
from __future__ import annotations

import secrets
from datetime import date, datetime
from typing import Optional

from sqlalchemy import JSON, BigInteger, CheckConstraint, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from services.models.columns import PLATFORM_SCHEMA, timestamp

_S = {"schema": PLATFORM_SCHEMA}


def _money(**kw):
    return Field(default=0, sa_type=BigInteger, **kw)


class PriceItem(SQLModel, table=True):
    """One line of the price list the super admin edits: a unit price per currency."""

    __tablename__ = "price_item"
    __table_args__ = (UniqueConstraint("currency", "item"), _S)

    id: Optional[int] = Field(default=None, primary_key=True)
    currency: str = Field(max_length=3)
    item: str = Field(max_length=20)  # seat, voice_minute, sms, email, whatsapp
    unit_amount: int = _money()
    updated_at: datetime = timestamp()


class Cart(SQLModel, table=True):
    """The configurator's choices of a tenant; saved at each change (survives a reload)."""

    __tablename__ = "cart"
    __table_args__ = _S

    tenant_id: int = Field(foreign_key="platform.tenant.id", primary_key=True)
    channels: list = Field(default_factory=list, sa_type=JSON)
    agents: int = 1
    traffic: dict = Field(default_factory=dict, sa_type=JSON)
    # A reduction waiting for the next month: {"agents", "channels", "from": "YYYY-MM"}.
    scheduled: Optional[dict] = Field(default=None, sa_type=JSON, nullable=True)
    updated_at: datetime = timestamp()


class Wallet(SQLModel, table=True):
    """The Smart Wallet balance; equal to the sum of its ledger, never below zero."""

    __tablename__ = "wallet"
    __table_args__ = (CheckConstraint("balance >= 0", name="wallet_balance_not_negative"), _S)

    tenant_id: int = Field(foreign_key="platform.tenant.id", primary_key=True)
    currency: str = Field(max_length=3)
    balance: int = _money()
    low_threshold: int = _money()
    low_alert_sent: bool = False
    updated_at: datetime = timestamp()


class WalletEntry(SQLModel, table=True):
    """Append-only ledger (a trigger refuses UPDATE and DELETE)."""

    __tablename__ = "wallet_entry"
    __table_args__ = _S

    id: Optional[int] = Field(default=None, sa_column=Column(BigInteger, primary_key=True))
    tenant_id: int = Field(foreign_key="platform.tenant.id", index=True)
    amount: int = _money()  # signed: credit > 0, debit < 0
    balance_after: int = _money()
    kind: str = Field(max_length=20)  # topup, seat, sms, email, whatsapp, voice_minute...
    quantity: int = 0
    reference: Optional[str] = Field(default=None, max_length=120, unique=True)
    description: str = Field(default="", max_length=200)
    created_at: datetime = timestamp()


def new_checkout_key() -> str:
    """An idempotency key no other database can produce: payment ids restart in every
    environment (CI, staging, a reset) while the Stripe account stays the same."""
    return f"checkout-{secrets.token_hex(16)}"


class Payment(SQLModel, table=True):
    __tablename__ = "payment"
    __table_args__ = _S

    id: Optional[int] = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="platform.tenant.id", index=True)
    purpose: str = Field(max_length=20)  # onboarding, topup
    gateway: str = Field(max_length=20)
    checkout_id: Optional[str] = Field(default=None, max_length=120, unique=True)
    # Sent with every request that opens this payment's checkout, retries included.
    idempotency_key: str = Field(default_factory=new_checkout_key, max_length=80, unique=True)
    transaction_id: str = Field(default="", max_length=120)
    currency: str = Field(max_length=3)
    net_amount: int = _money()
    vat_rate_bp: int = 0
    tax_amount: int = _money()
    total_amount: int = _money()
    status: str = Field(default="pending", max_length=20)  # pending, succeeded, failed
    failure_message: str = Field(default="", max_length=300)
    cart: dict = Field(default_factory=dict, sa_type=JSON)
    created_at: datetime = timestamp()
    completed_at: Optional[datetime] = timestamp(nullable=True, default_now=False)


class GatewayEvent(SQLModel, table=True):
    """Each webhook event id is processed once."""

    __tablename__ = "gateway_event"
    __table_args__ = _S

    id: str = Field(primary_key=True, max_length=120)
    gateway: str = Field(max_length=20)
    type: str = Field(max_length=80)
    received_at: datetime = timestamp()
    processed_at: Optional[datetime] = timestamp(nullable=True, default_now=False)


class BillingProfile(SQLModel, table=True):
    """A tenant's fiscal details, printed on its invoices."""

    __tablename__ = "billing_profile"
    __table_args__ = _S

    tenant_id: int = Field(foreign_key="platform.tenant.id", primary_key=True)
    legal_name: str = Field(default="", max_length=200)
    address: str = Field(default="", max_length=300)
    city: str = Field(default="", max_length=120)
    vat_number: str = Field(default="", max_length=40)
    niu: str = Field(default="", max_length=40)     # Numéro d'Identifiant Unique (tax id, CEMAC)
    rccm: str = Field(default="", max_length=60)    # trade register number (OHADA)
    updated_at: datetime = timestamp()


class InvoiceSequence(SQLModel, table=True):
    """Gapless numbering: the row is locked while an invoice is written."""

    __tablename__ = "invoice_sequence"
    __table_args__ = _S

    name: str = Field(primary_key=True, max_length=20)
    next_number: int = 1


class Invoice(SQLModel, table=True):
    __tablename__ = "invoice"
    __table_args__ = _S

    id: Optional[int] = Field(default=None, primary_key=True)
    number: int = Field(unique=True)
    tenant_id: int = Field(foreign_key="platform.tenant.id", index=True)
    kind: str = Field(max_length=20)  # purchase, monthly
    dedupe_key: str = Field(unique=True, max_length=80)
    period_start: date
    period_end: date
    currency: str = Field(max_length=3)
    net_amount: int = _money()
    vat_rate_bp: int = 0
    vat_amount: int = _money()
    total_amount: int = _money()
    reverse_charge: bool = False
    lines: list = Field(default_factory=list, sa_type=JSON)
    buyer: dict = Field(default_factory=dict, sa_type=JSON)
    pdf_path: str = Field(default="", max_length=500)
    issued_at: datetime = timestamp()
    emailed_at: Optional[datetime] = timestamp(nullable=True, default_now=False)


class Signup(SQLModel, table=True):
    """A sign-up waiting for its emailed token; the tenant is created at validation."""

    __tablename__ = "signup"
    __table_args__ = _S

    id: Optional[int] = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, index=True)
    full_name: str = Field(max_length=200)
    company_name: str = Field(max_length=200)
    country: str = Field(max_length=2)
    currency: str = Field(max_length=3)
    password_hash: str
    token_hash: str = Field(unique=True, max_length=64)
    created_at: datetime = timestamp()
    expires_at: datetime = timestamp()
    verified_at: Optional[datetime] = timestamp(nullable=True, default_now=False)
    tenant_id: Optional[int] = Field(default=None, foreign_key="platform.tenant.id")


class ProvisioningStep(SQLModel, table=True):
    __tablename__ = "provisioning_step"
    __table_args__ = (UniqueConstraint("tenant_id", "step"), _S)

    id: Optional[int] = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="platform.tenant.id", index=True)
    step: str = Field(max_length=30)
    position: int = 0
    status: str = Field(default="pending", max_length=20)  # pending, done, failed
    attempts: int = 0
    detail: str = Field(default="", max_length=500)
    updated_at: datetime = timestamp()


class PlatformOption(SQLModel, table=True):
    """Switches the super admin sets (e.g. free-mail domains allowed at sign-up)."""

    __tablename__ = "platform_option"
    __table_args__ = _S

    key: str = Field(primary_key=True, max_length=60)
    value: dict = Field(default_factory=dict, sa_type=JSON)
