"""Payments: an idempotency key per payment, unique across environments.

Revision ID: p0003_twins
Revises: p0002
"""
from alembic import op
import sqlalchemy as sa

revision = "p0003_twins"
down_revision = "p0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("payment", sa.Column("idempotency_key", sa.String(80)), schema="platform")
    # Existing payments get a random key too (gen_random_uuid is built into PostgreSQL 13+).
    op.execute("UPDATE platform.payment SET idempotency_key = "
               "'checkout-' || replace(gen_random_uuid()::text, '-', '')")
    op.alter_column("payment", "idempotency_key", nullable=False, schema="platform")
    op.create_unique_constraint("payment_idempotency_key_key", "payment", ["idempotency_key"],
                                schema="platform")


def downgrade() -> None:
    op.drop_constraint("payment_idempotency_key_key", "payment", schema="platform")
    op.drop_column("payment", "idempotency_key", schema="platform")
