"""Conversations: the SMS / WhatsApp threads of the agents' console (issue 17, UC-DG-03).

- `conversation`: one OPEN thread per (channel, address) — partial unique index; the console
  lists by last message, the agent's view filters on assignee, campaign and team;
- `conversation_message`: unique inbound (channel, provider_message_id) for idempotent
  webhooks;
- `conversation_routing`: the tenant's chosen team (one row).

Revision ID: t0009_convo
Revises: t0009_inbound
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

revision = "t0009_convo"
down_revision = "t0009_inbound"
branch_labels = None
depends_on = None


def _now():
    return sa.func.now()


def upgrade() -> None:
    op.create_table(
        "conversation",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("channel", sa.String(10), nullable=False),
        sa.Column("address", sa.String(254), nullable=False),
        sa.Column("our_address", sa.String(254), nullable=False, server_default=""),
        sa.Column("contact_id", sa.BigInteger),
        sa.Column("list_id", sa.Integer),
        sa.Column("campaign_id", sa.Integer),
        sa.Column("team_id", sa.Integer),
        sa.Column("agent_id", sa.Integer),
        sa.Column("status", sa.String(8), nullable=False, server_default="OPEN"),
        sa.Column("unread", sa.Integer, nullable=False, server_default="0"),
        sa.Column("last_message_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=_now()),
        sa.Column("last_message", sa.String(200), nullable=False, server_default=""),
        sa.Column("last_inbound_at", sa.DateTime(timezone=True)),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=_now()),
        sa.Column("closed_at", sa.DateTime(timezone=True)),
        sa.Column("closed_reason", sa.String(200), nullable=False, server_default=""),
    )
    op.execute("CREATE UNIQUE INDEX conversation_open ON conversation (channel, address) "
               "WHERE status = 'OPEN'")
    op.execute("CREATE INDEX conversation_recent ON conversation (last_message_at DESC)")
    op.execute("CREATE INDEX conversation_contact ON conversation (contact_id)")
    op.create_table(
        "conversation_message",
        sa.Column("id", sa.BigInteger, primary_key=True),
        sa.Column("conversation_id", sa.Integer,
                  sa.ForeignKey("conversation.id", ondelete="CASCADE"), nullable=False),
        sa.Column("direction", sa.String(3), nullable=False),
        sa.Column("channel", sa.String(10), nullable=False),
        sa.Column("body", sa.String(4000), nullable=False, server_default=""),
        sa.Column("media", JSONB, nullable=False, server_default="[]"),
        sa.Column("agent_id", sa.Integer),
        sa.Column("agent_name", sa.String(200), nullable=False, server_default=""),
        sa.Column("interaction_id", sa.BigInteger),
        sa.Column("provider_message_id", sa.String(128), nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=_now()),
    )
    op.execute("CREATE INDEX conversation_message_thread ON conversation_message "
               "(conversation_id, id)")
    op.execute("CREATE UNIQUE INDEX conversation_message_provider ON conversation_message "
               "(channel, provider_message_id) WHERE provider_message_id <> ''")
    op.create_table(
        "conversation_routing",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("team_id", sa.Integer),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=_now()),
    )


def downgrade() -> None:
    op.drop_table("conversation_routing")
    op.drop_table("conversation_message")
    op.drop_table("conversation")
