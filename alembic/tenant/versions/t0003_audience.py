"""Audience: contact lists, contacts, custom fields, remote sources, blacklist and its trail.

Search among a million contacts stays on btree indexes (the embedded PostgreSQL has no
pg_trgm): the E.164 phone, lower(email) and two precomputed, unaccented name keys
("nom prenom", "prenom nom"), all with text_pattern_ops so that both `=` and a prefix
`LIKE 'abc%'` use them.

Revision ID: t0003
Revises: t0002
"""
from alembic import op
import sqlalchemy as sa

revision = "t0003"
down_revision = "t0002"
branch_labels = None
depends_on = None


def _ts(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "contact_list",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("source_kind", sa.String(20), nullable=False),
        sa.Column("source_label", sa.String(300), nullable=False),
        sa.Column("source", sa.JSON, nullable=False),
        sa.Column("mapping", sa.JSON, nullable=False),
        sa.Column("dedupe_on", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("failure_reason", sa.String(2000), nullable=False),
        *[sa.Column(name, sa.Integer, nullable=False, server_default="0") for name in (
            "expected_rows", "processed_rows", "total", "errors", "duplicates",
            "blacklisted", "accepted")],
        sa.Column("created_by", sa.Integer),
        _ts("created_at"), _ts("heartbeat_at"), _ts("finished_at", True),
    )
    op.create_index("contact_list_created_at", "contact_list", ["created_at"])
    op.create_table(
        "contact",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("list_id", sa.Integer, sa.ForeignKey("contact_list.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("line", sa.Integer, nullable=False, server_default="0"),
        *[sa.Column(name, sa.Text, nullable=False, server_default="") for name in (
            "nom", "prenom", "telephone", "email", "identifiant", "name_key", "name_key_rev")],
        sa.Column("extra", sa.JSON, nullable=False, server_default="{}"),
    )
    op.create_index("contact_list_id", "contact", ["list_id"])
    op.execute("CREATE INDEX contact_telephone ON contact (telephone text_pattern_ops) "
               "WHERE telephone <> ''")
    op.execute("CREATE INDEX contact_email ON contact (lower(email) text_pattern_ops) "
               "WHERE email <> ''")
    op.execute("CREATE INDEX contact_name_key ON contact (name_key text_pattern_ops)")
    op.execute("CREATE INDEX contact_name_key_rev ON contact (name_key_rev text_pattern_ops)")
    op.create_table(
        "custom_field",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(60), nullable=False, unique=True),
        _ts("created_at"),
    )
    op.create_table(
        "database_source",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("url", sa.String(500), nullable=False),
        sa.Column("credentials", sa.Text, nullable=False),
        sa.Column("table_name", sa.String(200), nullable=False),
        sa.Column("query", sa.String(10_000), nullable=False),
        sa.Column("created_by", sa.Integer),
        _ts("created_at"),
    )
    op.create_table(
        "opt_out",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("phone", sa.String(16)),
        sa.Column("email", sa.String(254)),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("source", sa.String(30), nullable=False),
        sa.Column("note", sa.String(500), nullable=False),
        sa.Column("created_by", sa.Integer),
        _ts("created_at"),
        sa.CheckConstraint("(phone IS NULL) <> (email IS NULL)", name="opt_out_one_key"),
    )
    op.execute("CREATE UNIQUE INDEX opt_out_phone ON opt_out (phone) WHERE phone IS NOT NULL")
    op.execute("CREATE UNIQUE INDEX opt_out_email ON opt_out (email text_pattern_ops) "
               "WHERE email IS NOT NULL")
    op.create_index("opt_out_created_at", "opt_out", ["created_at"])
    op.create_table(
        "opt_out_event",
        sa.Column("id", sa.Integer, primary_key=True),
        _ts("at"),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("phone", sa.String(16)),
        sa.Column("email", sa.String(254)),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("source", sa.String(30), nullable=False),
        sa.Column("user_id", sa.Integer),
        sa.Column("detail", sa.String(1000), nullable=False),
    )
    op.create_index("opt_out_event_at", "opt_out_event", ["at"])


def downgrade() -> None:
    for table in ("opt_out_event", "opt_out", "database_source", "custom_field", "contact",
                  "contact_list"):
        op.drop_table(table)
