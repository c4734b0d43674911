"""Tenants, users, sessions, password resets, security events.

Revision ID: p0001
Revises:
"""
from alembic import op
import sqlalchemy as sa

revision = "p0001"
down_revision = None
branch_labels = None
depends_on = None

S = "platform"


def _ts(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "tenant",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("slug", sa.String(40), nullable=False, unique=True, index=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("country", sa.String(2), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("schema_name", sa.String(63), nullable=False, unique=True),
        _ts("created_at"),
        schema=S,
    )
    op.create_table(
        "user_account",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("email", sa.String(254), nullable=False, unique=True, index=True),
        sa.Column("password_hash", sa.String, nullable=False),
        sa.Column("full_name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("tenant_id", sa.Integer, sa.ForeignKey("platform.tenant.id"), index=True),
        sa.Column("is_active", sa.Boolean, nullable=False),
        sa.Column("language", sa.String(2), nullable=False),
        _ts("created_at"),
        schema=S,
    )
    op.create_table(
        "auth_session",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True, index=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("platform.user_account.id"),
                  nullable=False, index=True),
        sa.Column("client_ip", sa.String(64), nullable=False),
        _ts("created_at"), _ts("last_seen_at"), _ts("expires_at"), _ts("revoked_at", True),
        schema=S,
    )
    op.create_table(
        "password_reset_token",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True, index=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("platform.user_account.id"),
                  nullable=False, index=True),
        _ts("created_at"), _ts("expires_at"), _ts("used_at", True),
        schema=S,
    )
    op.create_table(
        "security_event",
        sa.Column("id", sa.Integer, primary_key=True),
        _ts("at"),
        sa.Column("kind", sa.String(40), nullable=False, index=True),
        sa.Column("user_id", sa.Integer, index=True),
        sa.Column("tenant_id", sa.Integer, index=True),
        sa.Column("client_ip", sa.String(64), nullable=False),
        sa.Column("detail", sa.JSON, nullable=False),
        schema=S,
    )


def downgrade() -> None:
    for table in ("security_event", "password_reset_token", "auth_session",
                  "user_account", "tenant"):
        op.drop_table(table, schema=S)
