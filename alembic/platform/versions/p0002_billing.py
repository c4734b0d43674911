"""Billing: price list, carts, payments, wallet ledger, invoices, provisioning log.

Revision ID: p0002
Revises: p0001
"""
from alembic import op
import sqlalchemy as sa

revision = "p0002"
down_revision = "p0001"
branch_labels = None
depends_on = None

S = "platform"

# Default price list (minor units per unit; seat = per agent per month).
DEFAULT_PRICES = {
    "XAF": {"seat": 15000, "voice_minute": 50, "sms": 25, "email": 2, "whatsapp": 40},
    "XOF": {"seat": 15000, "voice_minute": 50, "sms": 25, "email": 2, "whatsapp": 40},
    "EUR": {"seat": 2500, "voice_minute": 8, "sms": 5, "email": 1, "whatsapp": 7},
}


def _ts(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _money(name: str) -> sa.Column:
    return sa.Column(name, sa.BigInteger, nullable=False)


def _tenant_fk(primary_key: bool = False) -> sa.Column:
    return sa.Column("tenant_id", sa.Integer, sa.ForeignKey("platform.tenant.id"),
                     nullable=False, primary_key=primary_key, index=not primary_key)


def upgrade() -> None:
    op.create_table(
        "price_item",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("item", sa.String(20), nullable=False),
        _money("unit_amount"), _ts("updated_at"),
        sa.UniqueConstraint("currency", "item"),
        schema=S,
    )
    op.execute(sa.text(
        "INSERT INTO platform.price_item (currency, item, unit_amount, updated_at) VALUES "
        + ", ".join(f"('{cur}', '{item}', {amount}, now())"
                    for cur, items in DEFAULT_PRICES.items() for item, amount in items.items())))
    op.create_table(
        "cart", _tenant_fk(primary_key=True),
        sa.Column("channels", sa.JSON, nullable=False),
        sa.Column("agents", sa.Integer, nullable=False),
        sa.Column("traffic", sa.JSON, nullable=False),
        _ts("updated_at"), schema=S,
    )
    op.create_table(
        "wallet", _tenant_fk(primary_key=True),
        sa.Column("currency", sa.String(3), nullable=False),
        _money("balance"), _money("low_threshold"),
        sa.Column("low_alert_sent", sa.Boolean, nullable=False),
        _ts("updated_at"),
        sa.CheckConstraint("balance >= 0", name="wallet_balance_not_negative"),
        schema=S,
    )
    op.create_table(
        "wallet_entry",
        sa.Column("id", sa.BigInteger, primary_key=True),
        _tenant_fk(), _money("amount"), _money("balance_after"),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("quantity", sa.Integer, nullable=False),
        sa.Column("reference", sa.String(120), unique=True),
        sa.Column("description", sa.String(200), nullable=False),
        _ts("created_at"), schema=S,
    )
    # The ledger is append-only: corrections are new entries.
    op.execute("""
        CREATE FUNCTION platform.refuse_ledger_change() RETURNS trigger AS $$
        BEGIN RAISE EXCEPTION 'wallet_entry is append-only'; END $$ LANGUAGE plpgsql""")
    op.execute("""
        CREATE TRIGGER wallet_entry_append_only BEFORE UPDATE OR DELETE
        ON platform.wallet_entry FOR EACH ROW EXECUTE FUNCTION platform.refuse_ledger_change()""")
    op.create_table(
        "payment",
        sa.Column("id", sa.Integer, primary_key=True),
        _tenant_fk(),
        sa.Column("purpose", sa.String(20), nullable=False),
        sa.Column("gateway", sa.String(20), nullable=False),
        sa.Column("checkout_id", sa.String(120), unique=True),
        sa.Column("transaction_id", sa.String(120), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        _money("net_amount"), sa.Column("vat_rate_bp", sa.Integer, nullable=False),
        _money("tax_amount"), _money("total_amount"),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("failure_message", sa.String(300), nullable=False),
        sa.Column("cart", sa.JSON, nullable=False),
        _ts("created_at"), _ts("completed_at", True), schema=S,
    )
    op.create_table(
        "gateway_event",
        sa.Column("id", sa.String(120), primary_key=True),
        sa.Column("gateway", sa.String(20), nullable=False),
        sa.Column("type", sa.String(80), nullable=False),
        _ts("received_at"), _ts("processed_at", True), schema=S,
    )
    op.create_table(
        "billing_profile", _tenant_fk(primary_key=True),
        sa.Column("legal_name", sa.String(200), nullable=False),
        sa.Column("address", sa.String(300), nullable=False),
        sa.Column("city", sa.String(120), nullable=False),
        sa.Column("vat_number", sa.String(40), nullable=False),
        _ts("updated_at"), schema=S,
    )
    seq = op.create_table(
        "invoice_sequence",
        sa.Column("name", sa.String(20), primary_key=True),
        sa.Column("next_number", sa.Integer, nullable=False), schema=S,
    )
    op.bulk_insert(seq, [{"name": "invoice", "next_number": 1}])
    op.create_table(
        "invoice",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("number", sa.Integer, nullable=False, unique=True),
        _tenant_fk(),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("dedupe_key", sa.String(80), nullable=False, unique=True),
        sa.Column("period_start", sa.Date, nullable=False),
        sa.Column("period_end", sa.Date, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        _money("net_amount"), sa.Column("vat_rate_bp", sa.Integer, nullable=False),
        _money("vat_amount"), _money("total_amount"),
        sa.Column("reverse_charge", sa.Boolean, nullable=False),
        sa.Column("lines", sa.JSON, nullable=False),
        sa.Column("buyer", sa.JSON, nullable=False),
        sa.Column("pdf_path", sa.String(500), nullable=False),
        _ts("issued_at"), _ts("emailed_at", True), schema=S,
    )
    op.create_table(
        "signup",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("email", sa.String(254), nullable=False, index=True),
        sa.Column("full_name", sa.String(200), nullable=False),
        sa.Column("company_name", sa.String(200), nullable=False),
        sa.Column("country", sa.String(2), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("password_hash", sa.String, nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        _ts("created_at"), _ts("expires_at"), _ts("verified_at", True),
        sa.Column("tenant_id", sa.Integer, sa.ForeignKey("platform.tenant.id")),
        schema=S,
    )
    op.create_table(
        "provisioning_step",
        sa.Column("id", sa.Integer, primary_key=True),
        _tenant_fk(),
        sa.Column("step", sa.String(30), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("detail", sa.String(500), nullable=False),
        _ts("updated_at"),
        sa.UniqueConstraint("tenant_id", "step"), schema=S,
    )
    op.create_table(
        "platform_option",
        sa.Column("key", sa.String(60), primary_key=True),
        sa.Column("value", sa.JSON, nullable=False), schema=S,
    )


def downgrade() -> None:
    for table in ("platform_option", "provisioning_step", "signup", "invoice",
                  "invoice_sequence", "billing_profile", "gateway_event", "payment"):
        op.drop_table(table, schema=S)
    op.execute("DROP TRIGGER wallet_entry_append_only ON platform.wallet_entry")
    op.execute("DROP FUNCTION platform.refuse_ledger_change()")
    for table in ("wallet_entry", "wallet", "cart", "price_item"):
        op.drop_table(table, schema=S)
