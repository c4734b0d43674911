import io

import openpyxl
import pytest

from services.audience.cleaning import Blacklist, CleaningRules, DedupeOn, ImportSummary
from services.audience.errors import ImportFileError
from services.audience.export import RejectedRowsReport
from services.audience.mapping import Field, suggest_mapping
from services.audience.pipeline import import_contacts
from services.audience.readers import open_table

CSV = (
    "client_id;Nom;Prénom;Téléphone;Courriel\n"
    "C1;Müller;Hélène;6 71 23 45 67;helene@exemple.cm\n"
    "C2;Lefèvre;François;+33 6 12 34 56 78;\n"
    "C3;Ngo;Aïcha;671234567;\n"          # same phone as C1
    "C4;Fotso;Jean;12345;\n"             # too short
    "C5;Éboué;Zoë;699887766;\n"          # opted out
    "C6;Nkoulou;Noël;+237 222 23 45 67;\n"
)


def test_csv_goes_through_in_batches_with_summary_and_report(make_file):
    table = open_table(make_file(CSV, encoding="cp1252"))
    batches, report_file = [], io.StringIO()
    report = RejectedRowsReport(report_file, table.columns)

    summary = import_contacts(
        table, suggest_mapping(table.columns), CleaningRules("CM"),
        Blacklist(phones=frozenset({"+237699887766"})),
        on_batch=lambda batch: batches.append([(c.identifiant, c.telephone) for c in batch]),
        on_rejected=report.write, batch_size=2,
    )

    assert summary == ImportSummary(total=6, errors=1, duplicates=1, blacklisted=1, accepted=3)
    assert batches == [[("C1", "+237671234567"), ("C2", "+33612345678")], [("C6", "+237222234567")]]
    assert [line.split(";")[:2] for line in report_file.getvalue().splitlines()[1:]] == [
        ['"4"', '"Doublon"'], ['"5"', '"Erreur de format"'], ['"6"', '"Liste noire"']
    ]


def test_preview_counts_without_a_batch_consumer(make_file):
    table = open_table(make_file(CSV))

    summary = import_contacts(table, suggest_mapping(table.columns), CleaningRules("CM", DedupeOn.IDENTIFIANT))

    assert summary == ImportSummary(total=6, errors=1, accepted=5)


def test_xlsx_goes_through_the_same_way(tmp_path):
    workbook = openpyxl.Workbook()
    for row in [["ID", "Nom", "Mobile"], ["A1", "Ngo", 671234567], ["A2", "Fotso", "=HYPERLINK(\"x\")"]]:
        workbook.active.append(row)
    workbook.save(tmp_path / "liste.xlsx")
    table = open_table(tmp_path / "liste.xlsx")
    phones = []

    summary = import_contacts(table, suggest_mapping(table.columns), CleaningRules("CM"),
                              on_batch=lambda batch: phones.extend(c.telephone for c in batch))

    assert phones == ["+237671234567"]
    assert summary == ImportSummary(total=2, errors=1, accepted=1)


def test_mapping_the_ui_should_have_refused_is_a_value_error(make_file):
    table = open_table(make_file(CSV))

    with pytest.raises(ValueError, match="Telephone"):
        import_contacts(table, {Field.NOM: 1}, CleaningRules("CM"))


def test_file_broken_midway_stops_the_import(make_file):
    lines = "".join(f"C{i};Nom;Jean;6{i:08d};\n" for i in range(5000))
    path = make_file("id;nom;prenom;tel;email\n".encode() + lines.encode() + "Zoë;x;y;671234567;\n".encode("cp1252"))
    table = open_table(path)
    delivered = []

    with pytest.raises(ImportFileError, match="encodages"):
        import_contacts(table, suggest_mapping(table.columns), CleaningRules("CM"),
                        on_batch=delivered.append, batch_size=1000)

    # what was delivered (the caller rolls it back) holds nothing from the undecodable line
    assert all(contact.identifiant.startswith("C") for batch in delivered for contact in batch)
