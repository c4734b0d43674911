import csv
import io

import pytest

from services.audience.cleaning import Category, Contact, Rejection
from services.audience.export import RejectedRowsReport, escape_cell, write_contacts


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ('=HYPERLINK("http://x","clic")', '\'=HYPERLINK("http://x","clic")'),
        ("+33612345678", "'+33612345678"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Hélène", "Hélène"),
        ("a=b", "a=b"),
        ("", ""),
        (42, "42"),
        (None, ""),
    ],
)
def test_cells_that_a_spreadsheet_would_run_are_escaped(cell, written):
    assert escape_cell(cell) == written


def read_back(text):
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def test_rejected_rows_report_has_reason_and_source_row():
    out = io.StringIO()
    report = RejectedRowsReport(out, ["Nom", "Tel"])

    report.write(Rejection(7, Category.ERROR, "Téléphone : numéro trop court", ["=cmd|' /C calc'!A0", "12345"]))
    report.write(Rejection(9, Category.BLACKLISTED, "Contact désinscrit (liste noire)", ["Ngo", "699887766"]))

    assert read_back(out.getvalue()) == [
        ["Ligne", "Catégorie", "Motif", "Nom", "Tel"],
        ["7", "Erreur de format", "Téléphone : numéro trop court", "'=cmd|' /C calc'!A0", "12345"],
        ["9", "Liste noire", "Contact désinscrit (liste noire)", "Ngo", "699887766"],
    ]
    assert report.rows_written == 2


def test_every_cell_is_quoted():
    out = io.StringIO()
    RejectedRowsReport(out, ["Nom"])

    assert out.getvalue().startswith('"Ligne";"Catégorie";"Motif";"Nom"')


def test_contacts_export_with_custom_fields():
    out = io.StringIO()
    contacts = [Contact(2, "Ngo", "Aïcha", "+237671234567", "a@exemple.cm", "C1", {"Ville": "=Douala"})]

    count = write_contacts(out, contacts, custom_fields=["Ville"])

    assert count == 1
    assert read_back(out.getvalue()) == [
        ["Nom", "Prenom", "Telephone", "Email", "Identifiant", "Ville"],
        ["Ngo", "Aïcha", "'+237671234567", "a@exemple.cm", "C1", "'=Douala"],
    ]
