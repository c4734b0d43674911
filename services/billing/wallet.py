"""The Smart Wallet: an append-only ledger in minor units whose balance never goes below 0.

Every change is one transaction: a conditional UPDATE of the tenant's balance row (which
locks it, so concurrent debits queue up) and the ledger insert with the balance after.
Hence the balance always equals the sum of the ledger. Once a change is committed, the tenant's open
pages are told (live event "wallet") and show the new balance.
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator

from sqlalchemy import event, func, insert, literal, select, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from services.billing.money import format_money
from services.db.arrays import any_of, unnested
from services.db.engine import platform_session
from services.identity.access import AuthContext, access_area
from services.live import publish, supervision_topic
from services.live.throttle import flush_held, publish_throttled
from services.models.billing import Wallet, WalletEntry
from services.models.platform import Role, Tenant, User


class InsufficientBalance(Exception):
    """A debit larger than the balance. Other modules catch it to refuse a send or a call."""

    def __init__(self, balance: int, amount: int, currency: str):
        self.balance, self.amount, self.currency = balance, amount, currency
        super().__init__(
            f"Solde du Smart Wallet insuffisant ({format_money(balance, currency)} disponibles, "
            f"{format_money(amount, currency)} nécessaires). Rechargez votre Smart Wallet "
            "pour continuer.")


class WalletError(ValueError):
    pass


@dataclass(frozen=True)
class WalletView:
    balance: int
    currency: str
    low_threshold: int

    @property
    def is_low(self) -> bool:
        return self.balance < self.low_threshold

    @property
    def is_empty(self) -> bool:
        return self.balance <= 0

    @property
    def display(self) -> str:
        return format_money(self.balance, self.currency)


@contextmanager
def _within(session: Session | None) -> Iterator[Session]:
    if session is not None:
        yield session
    else:
        with platform_session() as own:
            yield own


def _announce_once_committed(session: Session, tenant_id: int) -> None:
    event.listen(session, "after_commit", lambda _: announce_change(tenant_id), once=True)


def announce_change(tenant_id: int) -> None:
    """Tell the tenant's open pages (a sending burst debits the wallet per message: throttled,
    the burst's last change is told by `announce_pending_changes`, the scheduler's tick)."""
    publish_throttled(supervision_topic(tenant_id), "wallet")


def announce_pending_changes() -> int:
    """The scheduler's tick (every second): the live changes held back (wallet, counters)."""
    return flush_held()


def open_wallet(session: Session, tenant_id: int, currency: str, low_threshold: int = 0) -> None:
    session.connection().execute(text(
        "INSERT INTO platform.wallet (tenant_id, currency, balance, low_threshold, "
        "low_alert_sent, updated_at) VALUES (:t, :c, 0, :l, false, now()) "
        "ON CONFLICT (tenant_id) DO NOTHING"), {"t": tenant_id, "c": currency, "l": low_threshold})


def start_wallet(tenant_id: int, currency: str, *, credit: int = 0, low_threshold: int = 0,
                 reference: str | None = None, description: str = "") -> None:
    """Open the tenant's wallet (if it has none) and, optionally, credit it."""
    with platform_session() as session:
        open_wallet(session, tenant_id, currency, low_threshold)
    if credit:
        credit_wallet(tenant_id, credit, reference=reference, description=description)


def _existing(session: Session, reference: str | None) -> WalletEntry | None:
    if reference is None:
        return None
    return session.execute(select(WalletEntry).where(WalletEntry.reference == reference)
                           ).scalar_one_or_none()


def credit_wallet(tenant_id: int, amount: int, *, kind: str = "topup", reference: str | None = None,
                  description: str = "", session: Session | None = None) -> WalletEntry:
    """Add `amount` (> 0). With a reference, crediting twice returns the first entry."""
    if amount <= 0:
        raise WalletError("Le montant d'un crédit doit être positif.")
    with _within(session) as s:
        done = _existing(s, reference)
        if done:
            return done
        balance = s.connection().execute(text(
            "UPDATE platform.wallet SET balance = balance + :a, updated_at = now(), "
            "low_alert_sent = low_alert_sent AND balance + :a < low_threshold "
            "WHERE tenant_id = :t RETURNING balance"), {"a": amount, "t": tenant_id}).scalar()
        if balance is None:
            raise WalletError("Cette instance n'a pas de Smart Wallet.")
        entry = WalletEntry(tenant_id=tenant_id, amount=amount, balance_after=balance,
                            kind=kind, reference=reference, description=description[:200])
        s.add(entry)
        s.flush()
        _announce_once_committed(s, tenant_id)
        return entry


def _take(session: Session, tenant_id: int, amount: int) -> tuple[int, int, bool]:
    """The conditional UPDATE of every debit (it locks the wallet row until the commit):
    (balance after, low threshold, low alert sent), or InsufficientBalance."""
    row = session.connection().execute(text(
        "UPDATE platform.wallet SET balance = balance - :a, updated_at = now() "
        "WHERE tenant_id = :t AND balance >= :a "
        "RETURNING balance, low_threshold, low_alert_sent"),
        {"a": amount, "t": tenant_id}).first()
    if row is None:
        wallet = session.get(Wallet, tenant_id)
        if wallet is None:
            raise WalletError("Cette instance n'a pas de Smart Wallet.")
        raise InsufficientBalance(wallet.balance, amount, wallet.currency)
    return tuple(row)


def debit_wallet(tenant_id: int, amount: int, *, kind: str, quantity: int = 1,
                 reference: str | None = None, description: str = "",
                 session: Session | None = None) -> WalletEntry:
    """Take `amount` (> 0) or raise InsufficientBalance; never below zero.

    A reference makes the debit idempotent (a retried send is not charged twice).
    """
    if amount <= 0:
        raise WalletError("Le montant d'un débit doit être positif.")
    crossed = False
    try:
        with _within(session) as s:
            done = _existing(s, reference)
            if done:
                return done
            balance, threshold, alerted = _take(s, tenant_id, amount)
            if balance < threshold and not alerted:
                s.connection().execute(text(
                    "UPDATE platform.wallet SET low_alert_sent = true WHERE tenant_id = :t"),
                    {"t": tenant_id})
                crossed = True
            entry = WalletEntry(tenant_id=tenant_id, amount=-amount, balance_after=balance,
                                kind=kind, quantity=quantity, reference=reference,
                                description=description[:200])
            s.add(entry)
            s.flush()
            _announce_once_committed(s, tenant_id)
    except IntegrityError:
        if reference is None:
            raise
        with platform_session() as s:  # the same reference won the race: idempotent
            return _existing(s, reference)
    if crossed and session is None:
        notify_low_balance(tenant_id)
    return entry


@dataclass(frozen=True)
class Debit:
    amount: int  # > 0
    kind: str
    quantity: int
    reference: str
    description: str = ""


def debit_many(session: Session, tenant_id: int, debits: list[Debit]) -> None:
    """Several referenced debits in the caller's transaction: one conditional UPDATE of the
    balance for their total and one ledger insert (a sending batch). A reference already in
    the ledger is not charged again; InsufficientBalance when the total does not fit (nothing
    taken); IntegrityError when a concurrent debit took one of the references (roll back)."""
    if any(d.amount <= 0 for d in debits):
        raise WalletError("Le montant d'un débit doit être positif.")
    done = set(session.execute(select(WalletEntry.reference).where(
        any_of(WalletEntry.reference, [d.reference for d in debits]))).scalars())
    debits = [d for d in debits if d.reference not in done]
    total = sum(d.amount for d in debits)
    if not total:
        return
    balance = _take(session, tenant_id, total)[0] + total
    balances = []
    for d in debits:
        balance -= d.amount
        balances.append(balance)
    c = WalletEntry.__table__.c
    lines = unnested("lines", amount=(c.amount.type, [-d.amount for d in debits]),
                     balance_after=(c.balance_after.type, balances),
                     kind=(c.kind.type, [d.kind for d in debits]),
                     quantity=(c.quantity.type, [d.quantity for d in debits]),
                     reference=(c.reference.type, [d.reference for d in debits]),
                     description=(c.description.type, [d.description[:200] for d in debits]))
    session.execute(insert(WalletEntry.__table__).from_select(
        ["tenant_id", *lines.c.keys(), "created_at"],
        select(literal(tenant_id), *lines.c, func.now())))
    _announce_once_committed(session, tenant_id)  # the low-balance email: check_low_balances


def wallet_of(tenant_id: int) -> WalletView | None:
    with platform_session() as s:
        w = s.get(Wallet, tenant_id)
        return WalletView(w.balance, w.currency, w.low_threshold) if w else None


def wallet_status(ctx: AuthContext) -> WalletView | None:
    """The balance shown to the admin and the supervisor (top bar, banner)."""
    access_area(ctx, "supervision")
    return wallet_of(ctx.tenant_id)


def ledger_sum(tenant_id: int) -> int:
    with platform_session() as s:
        return s.execute(select(func.coalesce(func.sum(WalletEntry.amount), 0))
                         .where(WalletEntry.tenant_id == tenant_id)).scalar_one()


def set_low_threshold(ctx: AuthContext, threshold: int) -> WalletView:
    access_area(ctx, "billing")
    if threshold < 0:
        raise WalletError("Le seuil d'alerte ne peut pas être négatif.")
    with platform_session() as s:
        w = s.get(Wallet, ctx.tenant_id)
        w.low_threshold = threshold
        w.low_alert_sent = w.balance < threshold and w.low_alert_sent
        s.add(w)
    publish(supervision_topic(ctx.tenant_id), "wallet")      # the low-balance banner follows
    return wallet_of(ctx.tenant_id)


def check_low_balances() -> int:
    """The scheduler's tick: alert every wallet under its threshold not alerted yet.

    Catches what the debit path cannot (a debit inside a caller's transaction, a threshold
    raised above the balance). Claiming the flag first makes two ticks send one email.
    """
    with platform_session() as s:
        claimed = s.connection().execute(text(
            "UPDATE platform.wallet SET low_alert_sent = true "
            "WHERE balance < low_threshold AND NOT low_alert_sent RETURNING tenant_id")
        ).scalars().all()
    for tenant_id in claimed:
        notify_low_balance(tenant_id)
    return len(claimed)


def notify_low_balance(tenant_id: int) -> None:
    """One email to the tenant's admins each time the balance crosses the threshold."""
    from services.messaging.email import send_email
    from services.providers.email import EmailMessage
    from services.settings import get_settings

    with platform_session() as s:
        tenant = s.get(Tenant, tenant_id)
        wallet = s.get(Wallet, tenant_id)
        admins = list(s.execute(select(User.email).where(
            User.tenant_id == tenant_id, User.role == Role.ADMIN.value, User.is_active)).scalars())
    for email in admins:
        send_email(EmailMessage(
            to=email, subject="Smart Wallet : solde bas",
            text=(f"Bonjour,\n\nLe solde du Smart Wallet de {tenant.name} est de "
                  f"{format_money(wallet.balance, wallet.currency)}, sous votre seuil d'alerte "
                  f"de {format_money(wallet.low_threshold, wallet.currency)}.\n"
                  "À zéro, les envois et les appels sont refusés. Rechargez-le ici : "
                  f"{get_settings().public_url}/facturation\n"),
            tags={"kind": "low_balance"}))
