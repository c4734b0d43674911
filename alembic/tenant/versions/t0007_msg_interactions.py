"""Interactions: the one record of every contact touch (calls and message attempts), and the
reason a campaign was paused by the engine (e.g. an empty Smart Wallet).

Indexes serve the reads that DESIGN.md 6b lists: the campaign journal and dashboard
(campaign, time), the contact's history, the agent's history; the partial index of due
attempts serves the sending engine's claim (FOR UPDATE SKIP LOCKED), the provider id the
status callbacks, the address the inbound messages (who did we write to?). The unique
index makes a campaign touch (campaign, contact, slot, step) impossible to create twice.

Revision ID: t0007_msg
Revises: t0006
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

revision = "t0007_msg"
down_revision = "t0007_ux2"
branch_labels = None
depends_on = None

_STAGES = ("sending_at", "sent_at", "delivered_at", "read_at", "clicked_at", "failed_at",
           "ringing_at", "answered_at", "ended_at", "wrapup_ended_at")


def _ts(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "interaction",
        sa.Column("id", sa.BigInteger, primary_key=True),
        sa.Column("channel", sa.String(10), nullable=False),
        sa.Column("direction", sa.String(3), nullable=False, server_default="OUT"),
        sa.Column("campaign_id", sa.Integer,
                  sa.ForeignKey("campaign.id", ondelete="SET NULL")),
        sa.Column("campaign_version", sa.Integer),
        sa.Column("contact_id", sa.BigInteger),
        sa.Column("list_id", sa.Integer),
        sa.Column("address", sa.String(254), nullable=False, server_default=""),
        sa.Column("sender", sa.String(254), nullable=False, server_default=""),
        sa.Column("agent_id", sa.Integer),
        sa.Column("slot", sa.String(12), nullable=False, server_default=""),
        sa.Column("step", sa.Integer, nullable=False, server_default="0"),
        sa.Column("status", sa.String(12), nullable=False, server_default="QUEUED"),
        sa.Column("tries", sa.Integer, nullable=False, server_default="0"),
        sa.Column("next_try_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        sa.Column("claimed_by", sa.BigInteger),
        sa.Column("queued_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        *(_ts(name) for name in _STAGES),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        sa.Column("outcome", sa.String(40), nullable=False, server_default=""),
        sa.Column("qualification", sa.String(60), nullable=False, server_default=""),
        sa.Column("form_answers", JSONB, nullable=False, server_default="{}"),
        sa.Column("body", sa.String(4000), nullable=False, server_default=""),
        sa.Column("cost_amount", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("cost_currency", sa.String(3), nullable=False, server_default=""),
        sa.Column("provider", sa.String(20), nullable=False, server_default=""),
        sa.Column("provider_id", sa.String(64), nullable=False, server_default=""),
        sa.Column("failure_class", sa.String(20), nullable=False, server_default=""),
        sa.Column("failure_reason", sa.String(500), nullable=False, server_default=""),
        sa.Column("recording_url", sa.String(500), nullable=False, server_default=""),
        sa.Column("conversation_id", sa.Integer),
    )
    op.execute("CREATE UNIQUE INDEX interaction_campaign_touch ON interaction "
               "(campaign_id, contact_id, slot, step) "
               "WHERE campaign_id IS NOT NULL AND direction = 'OUT'")
    op.execute("CREATE INDEX interaction_campaign_time ON interaction (campaign_id, queued_at)")
    op.execute("CREATE INDEX interaction_campaign_status ON interaction (campaign_id, status)")
    op.execute("CREATE INDEX interaction_contact ON interaction (contact_id, queued_at DESC)")
    op.execute("CREATE INDEX interaction_agent ON interaction (agent_id, queued_at DESC) "
               "WHERE agent_id IS NOT NULL")
    op.execute("CREATE INDEX interaction_due ON interaction (next_try_at, id) "
               "WHERE status = 'QUEUED' AND direction = 'OUT'")
    op.execute("CREATE INDEX interaction_in_flight ON interaction (claimed_by) "
               "WHERE status = 'SENDING'")
    op.execute("CREATE INDEX interaction_provider_id ON interaction (provider_id) "
               "WHERE provider_id <> ''")
    op.execute("CREATE INDEX interaction_address ON interaction (address, channel, queued_at)")
    op.add_column("campaign", sa.Column("pause_reason", sa.String(500), nullable=False,
                                        server_default=""))


def downgrade() -> None:
    op.drop_column("campaign", "pause_reason")
    op.drop_table("interaction")
