"""Audience: one partition of `contact` per list, so that an import loads a bare table with
COPY and builds its indexes once, sorted, at ATTACH (services.audience.partitions).

The table becomes `PARTITION BY LIST (list_id)`; the `list_id` index is no longer needed
(partition pruning), the primary key becomes (id, list_id) (a partitioned table's unique
keys include the partition key; `WHERE id = ?` still uses it). Contacts imported before this
revision stay where they are: the old table becomes the partition of the lists it holds.

Revision ID: t0006
Revises: t0005
"""
from alembic import op
from sqlalchemy import text

revision = "t0006"
down_revision = "t0005"
branch_labels = None
depends_on = None

SEARCH_INDEXES = {
    "contact_telephone": "(telephone text_pattern_ops) WHERE telephone <> ''",
    "contact_email": "(lower(email) text_pattern_ops) WHERE email <> ''",
    "contact_name_key": "(name_key text_pattern_ops)",
    "contact_name_key_rev": "(name_key_rev text_pattern_ops)",
}
COLUMNS = """
    id bigint NOT NULL DEFAULT nextval('contact_id_seq'),
    list_id integer NOT NULL REFERENCES contact_list (id) ON DELETE CASCADE,
    line integer NOT NULL DEFAULT 0,
    nom text NOT NULL DEFAULT '', prenom text NOT NULL DEFAULT '',
    telephone text NOT NULL DEFAULT '', email text NOT NULL DEFAULT '',
    identifiant text NOT NULL DEFAULT '', extra json NOT NULL DEFAULT '{}',
    name_key text NOT NULL DEFAULT '', name_key_rev text NOT NULL DEFAULT ''"""


def upgrade() -> None:
    conn = op.get_bind()
    op.execute("ALTER TABLE contact RENAME TO contact_before_t0006")
    op.execute("ALTER TABLE contact_before_t0006 ALTER COLUMN id DROP IDENTITY")
    op.execute("ALTER TABLE contact_before_t0006 DROP CONSTRAINT contact_pkey")
    for name in ("contact_list_id", *SEARCH_INDEXES):
        op.execute(f"ALTER INDEX {name} RENAME TO {name}_before_t0006")
    last = conn.execute(text("SELECT coalesce(max(id), 0) FROM contact_before_t0006")).scalar()
    op.execute(f"CREATE SEQUENCE contact_id_seq START WITH {last + 1}")
    op.execute(f"CREATE TABLE contact ({COLUMNS}, PRIMARY KEY (id, list_id)) "
               "PARTITION BY LIST (list_id)")
    op.execute("ALTER SEQUENCE contact_id_seq OWNED BY contact.id")
    for name, definition in SEARCH_INDEXES.items():
        op.execute(f"CREATE INDEX {name} ON contact {definition}")
    lists = conn.execute(text("SELECT DISTINCT list_id FROM contact_before_t0006 "
                              "ORDER BY list_id")).scalars().all()
    if not lists:
        op.execute("DROP TABLE contact_before_t0006")
        return
    op.execute("ALTER TABLE contact_before_t0006 ALTER COLUMN id "
               "SET DEFAULT nextval('contact_id_seq')")
    op.execute("ALTER TABLE contact_before_t0006 ADD PRIMARY KEY (id, list_id)")
    op.execute("ALTER TABLE contact ATTACH PARTITION contact_before_t0006 FOR VALUES IN "
               f"({', '.join(str(int(i)) for i in lists)})")


def downgrade() -> None:
    op.execute("ALTER TABLE contact RENAME TO contact_partitioned")
    op.execute("ALTER SEQUENCE contact_id_seq OWNED BY NONE")
    op.execute(f"CREATE TABLE contact ({COLUMNS.replace('bigint NOT NULL', 'bigint PRIMARY KEY NOT NULL')})")
    op.execute("INSERT INTO contact SELECT * FROM contact_partitioned")
    op.execute("DROP TABLE contact_partitioned CASCADE")
    op.execute("ALTER SEQUENCE contact_id_seq OWNED BY contact.id")
    op.execute("CREATE INDEX contact_list_id ON contact (list_id)")
    for name, definition in SEARCH_INDEXES.items():
        op.execute(f"CREATE INDEX {name} ON contact {definition}")
