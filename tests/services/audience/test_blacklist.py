"""UC-DG-04: the tenant's blacklist, as messaging, voice and the pages use it."""
import io

import pytest
from sqlmodel import func, select

from services.audience.blacklist import (
    BlacklistError, add_opt_out, export_opt_outs, import_opt_outs, is_opted_out, list_opt_outs,
    load_blacklist, opt_out_history, record_opt_out, remove_opt_out,
)
from services.audience.errors import ImportFileError
from services.audience.imports import import_opt_outs_upload, imports_dir
from services.db.tenancy import tenant_session
from services.identity.access import AccessDenied
from services.models.audience import OptOut, OptOutEvent
from services.models.platform import Role
from tests.support.accounts import context_for, new_tenant
from tests.support.workbooks import CONTACTS, xlsx_bytes


@pytest.fixture
def tenant():
    return new_tenant()


def test_stop_reply_from_a_webhook_blocks_every_format_of_the_number(tenant):
    assert record_opt_out(tenant.id, "+237 6 71 23 45 67", channel="SMS", source="STOP") == 1

    assert is_opted_out(tenant.id, phone="671234567")
    assert is_opted_out(tenant.id, phone="00237 671 23 45 67")
    assert not is_opted_out(tenant.id, phone="671234568")
    assert not is_opted_out(new_tenant().id, phone="671234567")  # another tenant's list
    assert record_opt_out(tenant.id, "671234567", channel="VOIX", source="AGENT_DISPOSITION") == 0
    with tenant_session(context_for(tenant, Role.ADMIN)) as session:
        [entry] = session.exec(select(OptOut)).all()
    assert (entry.phone, entry.channel, entry.source) == ("+237671234567", "SMS", "STOP")


def test_email_and_phone_are_two_keys_either_blocks(tenant):
    ctx = context_for(tenant, Role.SUPERVISOR)
    assert record_opt_out(ctx, "699887766", "Zoe@Exemple.CM", channel="EMAIL",
                          source="UNSUBSCRIBE_LINK") == 2
    assert is_opted_out(ctx, email="zoe@exemple.cm")
    assert is_opted_out(ctx, phone="111", email="ZOE@exemple.cm")
    assert load_blacklist(ctx).phones == {"+237699887766"}
    assert load_blacklist(ctx).emails == {"zoe@exemple.cm"}
    with pytest.raises(BlacklistError, match="Téléphone invalide"):
        record_opt_out(ctx, "12", channel="SMS", source="MANUAL")
    with pytest.raises(ValueError):
        record_opt_out(ctx, "671234567", channel="PIGEON", source="MANUAL")


def test_manual_add_list_remove_with_audit_trail(tenant):
    ctx = context_for(tenant, Role.ADMIN)
    add_opt_out(ctx, phone="6 55 11 22 33", note="demande par courrier")
    add_opt_out(ctx, email="a@b.cm")
    with pytest.raises(BlacklistError, match="déjà"):
        add_opt_out(ctx, phone="+237655112233")

    page = list_opt_outs(ctx, search="6551")
    assert [e.phone for e in page.entries] == ["+237655112233"] and page.total == 1
    remove_opt_out(ctx, page.entries[0].id, "erreur de saisie")

    assert not is_opted_out(ctx, phone="655112233")
    assert [(e.action, e.phone or e.email) for e in opt_out_history(ctx)] == [
        ("REMOVE", "+237655112233"), ("ADD", "a@b.cm"), ("ADD", "+237655112233")]
    with pytest.raises(AccessDenied):
        add_opt_out(context_for(tenant, Role.AGENT), phone="655112233")


def test_import_then_export_escapes_formulas(tenant, tmp_path):
    ctx = context_for(tenant, Role.ADMIN)
    path = tmp_path / "stop.csv"
    path.write_text("Téléphone;Email\n671234567;\n;=HYPERLINK(\"x\")@evil.cm\n12;\n;x@y.cm\n",
                    encoding="cp1252")
    assert import_opt_outs(ctx, path) == (2, 2)

    out = io.StringIO()
    assert export_opt_outs(ctx, out) == 2
    text = out.getvalue()
    assert '"+237671234567"' not in text and "\"'+237671234567\"" in text  # '+' is escaped
    assert "x@y.cm" in text and "HYPERLINK" not in text
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(ImportFileError):
        import_opt_outs(ctx, empty)


def test_a_large_import_is_batched_and_counts_new_entries_once_with_their_audit(tenant, tmp_path):
    ctx = context_for(tenant, Role.ADMIN)
    record_opt_out(ctx, phone="+237650000003", channel="SMS", source="STOP")  # already there
    rows = [f"6500{i:05d};" + (f"client{i}@exemple.cm" if i % 3 == 0 else "")
            for i in range(12_000)]
    rows += ["6500 00001;", "abc;", ";pas-un-email", "65000000;client0@EXEMPLE.cm"]
    path = tmp_path / "optouts.csv"
    path.write_text("Téléphone;Email\n" + "\n".join(rows) + "\n", encoding="utf-8")

    added, rejected = import_opt_outs(ctx, path)

    phones, emails = 12_000 - 1, 4_000  # one phone was listed before; duplicates count once
    assert (added, rejected) == (phones + emails, 3)
    assert list_opt_outs(ctx).total == 12_000 + emails
    with tenant_session(ctx) as session:
        events = session.exec(select(OptOutEvent.action, func.count())
                              .group_by(OptOutEvent.action)).all()
        imported = session.exec(select(OptOut).where(OptOut.phone == "+237650000042")).one()
    assert dict(events) == {"ADD": 1, "IMPORT": phones + emails}
    assert (imported.source, imported.channel) == ("IMPORT", "TOUS")
    assert is_opted_out(ctx, email="client2999@exemple.cm") is False
    assert is_opted_out(ctx, email="CLIENT3000@exemple.cm")
    assert import_opt_outs(ctx, path) == (0, 3)  # a second import adds nothing, audits nothing


def test_an_uploaded_excel_file_with_phones_stored_as_numbers_is_imported(tenant):
    ctx = context_for(tenant, Role.ADMIN)
    assert import_opt_outs_upload(ctx, io.BytesIO(xlsx_bytes(CONTACTS))) == (4, 0)
    assert is_opted_out(ctx, phone="+237699887766")
    assert is_opted_out(ctx, email="helene@exemple.cm")
    with pytest.raises(ImportFileError):
        import_opt_outs_upload(ctx, io.BytesIO(b"PK\x03\x04" + b"garbage" * 100))
    assert list(imports_dir(ctx).glob("*.upload")) == []  # the files are not kept
