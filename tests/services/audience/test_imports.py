"""UC-CP-06 through the product's functions: upload, inspect, preview, import job, lists."""
import io

import pytest
from sqlalchemy import func
from sqlmodel import select

from services.audience.blacklist import record_opt_out
from services.audience.errors import ImportFileError
from services.audience.imports import (
    AudienceError, add_custom_field, custom_field_kinds, delete_contact_list, imports_dir,
    inspect_source, inspect_upload, list_contact_lists, preview_contact_import,
    record_contact_import, report_path, store_upload,
)
from services.audience.mapping import unkept_columns
from services.audience.injection import run_contact_import
from services.db.tenancy import tenant_session
from services.identity.access import AccessDenied
from services.models.audience import ContactRecord
from services.models.platform import Role
from tests.support.accounts import context_for, new_tenant
from tests.support.workbooks import CONTACTS, xlsx_bytes

CSV = (
    "client_id;Nom;Prénom;Téléphone;Courriel;Zone\n"
    "C1;Müller;Hélène;6 71 23 45 67;helene@exemple.cm;Littoral\n"
    "C2;Lefèvre;François;+33 6 12 34 56 78;;Centre\n"
    "C3;Ngo;Aïcha;671234567;;Centre\n"          # duplicate phone of C1
    "C4;Fotso;Jean;12345;;Ouest\n"              # too short
    "C5;Éboué;Zoë;699887766;;Nord\n"            # opted out
    "C6;Nkoulou;Noël;+237 222 23 45 67;;Sud\n"
)


@pytest.fixture
def admin():
    return context_for(new_tenant(), Role.ADMIN)


def _upload(ctx, data: bytes) -> dict:
    return {"kind": "file", "upload": store_upload(ctx, io.BytesIO(data))}


def _contacts(ctx, list_id):
    with tenant_session(ctx) as session:
        return session.exec(select(ContactRecord).where(ContactRecord.list_id == list_id)
                            .order_by(ContactRecord.line)).all()


def test_cp1252_file_is_inspected_previewed_and_imported(admin):
    add_custom_field(admin, "Zone")
    record_opt_out(admin, "+237 699 88 77 66", channel="SMS", source="STOP")
    source = _upload(admin, CSV.encode("cp1252"))

    inspected = inspect_source(admin, source)
    assert inspected.columns == ["client_id", "Nom", "Prénom", "Téléphone", "Courriel", "Zone"]
    assert (inspected.encoding, inspected.delimiter, inspected.confident) == ("cp1252", ";", True)
    assert inspected.suggested == {"Identifiant": 0, "Nom": 1, "Prenom": 2, "Telephone": 3,
                                   "Email": 4, "Zone": 5}
    assert inspected.sample[0][1] == "Müller"

    preview = preview_contact_import(admin, source, inspected.suggested, "telephone")
    assert (preview.summary.total, preview.summary.errors, preview.summary.duplicates,
            preview.summary.blacklisted, preview.summary.accepted) == (6, 1, 1, 1, 3)
    report = report_path(admin, preview.report_id).read_text("utf-8-sig")
    assert "Doublon" in report and "Liste noire" in report and "numéro trop court" in report

    contact_list = record_contact_import(admin, "Clients Douala", source, inspected.suggested,
                                         "telephone", preview.summary.total)
    summary = run_contact_import(admin.tenant_id, contact_list.id, admin.user_id)

    assert summary.accepted == 3
    [ready] = list_contact_lists(admin).lists
    assert (ready.status, ready.accepted, ready.errors, ready.processed_rows) == ("PRETE", 3, 1, 6)
    rows = _contacts(admin, contact_list.id)
    assert [(c.nom, c.prenom, c.telephone, c.extra) for c in rows] == [
        ("Müller", "Hélène", "+237671234567", {"Zone": "Littoral"}),
        ("Lefèvre", "François", "+33612345678", {"Zone": "Centre"}),
        ("Nkoulou", "Noël", "+237222234567", {"Zone": "Sud"}),
    ]
    assert rows[0].name_key == "muller helene" and rows[0].name_key_rev == "helene muller"
    assert report_path(admin, f"liste-{contact_list.id}") is not None


def test_unsure_separator_can_be_chosen(admin):
    source = _upload(admin, "Nom;Ville, Région;tel\nNgo;Douala, Littoral;671234567\n".encode())
    unsure = inspect_source(admin, source)
    assert unsure.confident is False  # both ',' and ';' split every line evenly: flow A2

    chosen = inspect_source(admin, {**source, "delimiter": ";"})
    assert chosen.columns == ["Nom", "Ville, Région", "tel"] and chosen.confident
    with pytest.raises(ImportFileError, match="Choisissez le séparateur"):
        inspect_source(admin, {**_upload(admin, b"nom|tel\nNgo|671234567\n"), "delimiter": ","})


def test_a_file_broken_midway_leaves_no_half_list(admin):
    lines = "".join(f"C{i};Nom{i};Jean;6{i % 4 + 5}{i:07d};\n" for i in range(12_000))
    data = ("id;nom;prenom;tel;email\n" + lines).encode() + "Zoë;x;y;671234567;\n".encode("cp1252")
    source = _upload(admin, data)
    mapping = inspect_source(admin, source).suggested
    contact_list = record_contact_import(admin, "Cassée", source, mapping)

    assert run_contact_import(admin.tenant_id, contact_list.id, admin.user_id) is None

    [failed] = list_contact_lists(admin).lists
    assert failed.status == "ECHEC" and "encodages" in failed.failure_reason
    assert _contacts(admin, contact_list.id) == []
    with tenant_session(admin) as session:
        assert session.exec(select(func.count()).select_from(ContactRecord)).one() == 0


def test_a_second_run_of_the_same_job_adds_nothing(admin):
    source = _upload(admin, CSV.encode())
    mapping = inspect_source(admin, source).suggested
    contact_list = record_contact_import(admin, "Once", source, mapping)
    run_contact_import(admin.tenant_id, contact_list.id, admin.user_id)

    assert run_contact_import(admin.tenant_id, contact_list.id, admin.user_id) is None
    assert len(_contacts(admin, contact_list.id)) == 4


def test_a_column_kept_in_a_new_typed_field_is_imported_and_email_only_rows_are_counted(admin):
    """The wizard's "Créer un champ" on « Ville » and « Solde », which no field read; rows
    without a phone but with an email are kept for email campaigns, and said so."""
    data = ("Nom;Téléphone;Courriel;Ville;Solde\n"
            "Müller;671234567;;Douala;1 234,50\n"
            "Ngo;;ngo@exemple.cm;Yaoundé;12\n"
            "Eto;;eto@exemple.cm;Kribi;beaucoup\n"      # not a number: a format error
            "Mba;;mba@exemple.cm;Garoua;\n").encode()
    source = _upload(admin, data)
    inspected = inspect_source(admin, source)
    assert unkept_columns(inspected.columns, inspected.suggested) == [3, 4]

    assert add_custom_field(admin, "Ville") == "Ville"
    assert add_custom_field(admin, " Solde ", "nombre") == "Solde"
    with pytest.raises(AudienceError, match="Type de champ inconnu"):
        add_custom_field(admin, "Naissance", "jour")
    assert custom_field_kinds(admin) == {"Solde": "nombre", "Ville": "texte"}
    mapping = {**inspected.suggested, "Ville": 3, "Solde": 4}

    summary = preview_contact_import(admin, source, mapping).summary
    assert (summary.total, summary.errors, summary.accepted, summary.email_only) == (4, 1, 3, 2)
    contact_list = record_contact_import(admin, "Relances", source, mapping)
    run_contact_import(admin.tenant_id, contact_list.id, admin.user_id)
    assert [(c.nom, c.telephone, c.email, c.extra) for c in _contacts(admin, contact_list.id)] == [
        ("Müller", "+237671234567", "", {"Ville": "Douala", "Solde": "1234.50"}),
        ("Ngo", "", "ngo@exemple.cm", {"Ville": "Yaoundé", "Solde": "12"}),
        ("Mba", "", "mba@exemple.cm", {"Ville": "Garoua", "Solde": ""}),
    ]


def test_mapping_and_rules_are_checked_before_the_job(admin):
    source = _upload(admin, CSV.encode())
    with pytest.raises(AudienceError, match="Telephone"):
        record_contact_import(admin, "x", source, {"Nom": 1})
    with pytest.raises(AudienceError, match="Identifiant"):
        record_contact_import(admin, "x", source, {"Telephone": 3}, "identifiant")
    with pytest.raises(AudienceError, match="Champ inconnu"):
        record_contact_import(admin, "x", source, {"Telephone": 3, "Zone": 5})  # not defined
    with pytest.raises(AudienceError, match="nom"):
        record_contact_import(admin, " ", source, {"Telephone": 3})


def test_bad_files_and_ids_are_refused(admin):
    with pytest.raises(ImportFileError, match="vide"):
        store_upload(admin, io.BytesIO(b""))
    with pytest.raises(AudienceError, match="dépasse"):
        store_upload(admin, io.BytesIO(b"x" * 3000), max_bytes=1000)
    with pytest.raises(AudienceError):
        inspect_source(admin, {"kind": "file", "upload": "../../etc/passwd"})
    with pytest.raises(ImportFileError, match="texte"):
        inspect_source(admin, _upload(admin, bytes(range(256)) * 50))
    assert report_path(admin, "../secret") is None


def test_lists_are_private_to_the_tenant_and_deleted_with_their_contacts(admin):
    source = _upload(admin, CSV.encode())
    contact_list = record_contact_import(admin, "A", source, inspect_source(admin, source).suggested)
    with pytest.raises(AudienceError, match="en cours"):
        delete_contact_list(admin, contact_list.id)
    run_contact_import(admin.tenant_id, contact_list.id, admin.user_id)
    other = context_for(new_tenant(), Role.ADMIN)

    assert list_contact_lists(other).total == 0
    with pytest.raises(AudienceError, match="n'existe plus"):
        delete_contact_list(other, contact_list.id)
    assert delete_contact_list(admin, contact_list.id) == "A"
    assert _contacts(admin, contact_list.id) == []


def test_agents_cannot_import(admin):
    agent = context_for(new_tenant(), Role.AGENT)
    with pytest.raises(AccessDenied):
        store_upload(agent, io.BytesIO(b"tel\n671234567\n"))
    with pytest.raises(AccessDenied):
        list_contact_lists(agent)


def test_an_excel_upload_with_phones_stored_as_numbers_gives_its_rows(admin):
    source, inspected = inspect_upload(admin, io.BytesIO(xlsx_bytes(CONTACTS)))
    assert (inspected.kind, inspected.columns) == ("xlsx", ["Nom", "Prénom", "Téléphone", "Email"])
    assert [row[2] for row in inspected.sample] == ["671234567", "699887766", "222234567"]

    preview = preview_contact_import(admin, source, inspected.suggested, "telephone")
    assert (preview.summary.total, preview.summary.accepted) == (3, 3)
    contact_list = record_contact_import(admin, "Excel", source, inspected.suggested, "telephone", 3)
    run_contact_import(admin.tenant_id, contact_list.id, admin.user_id)
    assert [c.telephone for c in _contacts(admin, contact_list.id)] == [
        "+237671234567", "+237699887766", "+237222234567"]


def test_a_refused_upload_is_not_kept(admin):
    for data in (b"PK\x03\x04" + b"garbage" * 100, b"Nom\n"):
        with pytest.raises(ImportFileError):
            inspect_upload(admin, io.BytesIO(data))
    assert list(imports_dir(admin).glob("*.upload")) == []
