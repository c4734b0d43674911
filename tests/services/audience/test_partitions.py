"""Each list's contacts in a partition of their own (t0006): loaded bare, indexed at ATTACH;
contacts imported before t0006 keep working; deleting a list drops its partition."""
import io
import uuid

from sqlalchemy import text
from sqlmodel import select

from services.audience.imports import (
    delete_contact_list, inspect_source, record_contact_import, store_upload,
)
from services.audience.injection import run_contact_import
from services.audience.search import find_contacts
from services.db.engine import get_engine
from services.db.migrations import upgrade_tenant
from services.db.tenancy import create_tenant, tenant_session
from services.models.audience import ContactRecord
from services.models.platform import Role
from tests.support.accounts import context_for

def _import(ctx, name: str, data: str) -> int:
    source = {"kind": "file", "upload": store_upload(ctx, io.BytesIO(data.encode()))}
    contact_list = record_contact_import(ctx, name, source, inspect_source(ctx, source).suggested)
    run_contact_import(ctx.tenant_id, contact_list.id, ctx.user_id)
    return contact_list.id


def _partitions(schema: str) -> dict[str, str]:
    with get_engine().connect() as conn:
        return dict(conn.execute(text(
            "SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i "
            "JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent "
            "JOIN pg_namespace n ON n.oid = p.relnamespace "
            "WHERE n.nspname = :s AND p.relname = 'contact'"), {"s": schema}).all())


def _index_count(schema: str, table: str) -> int:
    with get_engine().connect() as conn:
        return conn.execute(text("SELECT count(*) FROM pg_indexes WHERE schemaname = :s "
                                 "AND tablename = :t"), {"s": schema, "t": table}).scalar()


def test_contacts_from_before_t0006_stay_searchable_and_new_lists_get_a_partition():
    tenant = create_tenant("m" + uuid.uuid4().hex[:10], "Migration SARL", "CM", "XAF",
                           revision="t0005")
    ctx = context_for(tenant, Role.ADMIN)
    with get_engine().begin() as conn:  # a list imported with the single table of t0003
        old_list = conn.execute(text(
            f'INSERT INTO "{tenant.schema_name}".contact_list (name, source_kind, source_label, '
            "source, mapping, dedupe_on, status, failure_reason, created_at, heartbeat_at) "
            "VALUES ('Avant', 'file', '', '{}', '{}', 'telephone', 'PRETE', '', now(), now()) "
            "RETURNING id")).scalar()
        conn.execute(text(
            f'INSERT INTO "{tenant.schema_name}".contact (list_id, nom, telephone, name_key, '
            "name_key_rev) VALUES (:l, 'Mbarga', '+237671234567', 'mbarga', 'mbarga'), "
            "(:l, 'Ngo', '+237699887766', 'ngo', 'ngo')"), {"l": old_list})
    upgrade_tenant(tenant.schema_name)

    assert _partitions(tenant.schema_name) == {"contact_before_t0006": f"FOR VALUES IN ({old_list})"}
    assert [c.nom for c in find_contacts(ctx, "671234567")] == ["Mbarga"]
    new_list = _import(ctx, "Après", "nom;tel\nFotso;677001122\nEboué;671234567\n")
    assert _partitions(tenant.schema_name)[f"contact_l{new_list}"] == f"FOR VALUES IN ({new_list})"
    assert _index_count(tenant.schema_name, f"contact_l{new_list}") == 5  # pk + 4 search
    assert sorted(c.nom for c in find_contacts(ctx, "671234567")) == ["Eboué", "Mbarga"]
    with tenant_session(ctx) as session:
        ids = session.exec(select(ContactRecord.id).order_by(ContactRecord.id)).all()
        assert len(set(ids)) == 4 and session.get(ContactRecord, ids[-1]).list_id == new_list

    delete_contact_list(ctx, new_list)
    delete_contact_list(ctx, old_list)
    assert f"contact_l{new_list}" not in _partitions(tenant.schema_name)
    with tenant_session(ctx) as session:
        assert session.exec(select(ContactRecord)).all() == []


def test_a_deletion_that_cannot_get_the_table_says_so_and_keeps_the_list():
    import pytest

    from services.audience.imports import AudienceError, list_contact_lists

    tenant = create_tenant("d" + uuid.uuid4().hex[:10], "Occupée SARL", "CM", "XAF")
    ctx = context_for(tenant, Role.ADMIN)
    list_id = _import(ctx, "Gardée", "nom;tel\nFotso;677001122\n")
    with get_engine().connect() as other:  # e.g. another import attaching its partition
        other.execute(text(f'LOCK TABLE "{tenant.schema_name}".contact '
                           "IN SHARE UPDATE EXCLUSIVE MODE"))
        with pytest.raises(AudienceError, match="réessayez"):
            delete_contact_list(ctx, list_id)
        other.rollback()
    assert [c.id for c in list_contact_lists(ctx).lists] == [list_id]
    assert [c.nom for c in find_contacts(ctx, "677001122")] == ["Fotso"]
    delete_contact_list(ctx, list_id)
    assert list_contact_lists(ctx).lists == []
