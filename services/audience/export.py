"""CSV files users download (contacts, opt-outs, rejected rows), safe to open in a spreadsheet.

A cell starting with = + - @ or a tab / carriage return could run as a formula in Excel or
LibreOffice (CSV injection): as OWASP recommends, such cells get a leading single quote and
every cell is quoted.
"""

import csv
from typing import Iterable, Sequence, TextIO

from services.audience.cleaning import Category, Contact, Rejection
from services.audience.mapping import STANDARD_FIELDS

_FORMULA_TRIGGERS = frozenset("=+-@\t\r\n")
_CATEGORY_LABELS = {
    Category.ERROR: "Erreur de format",
    Category.DUPLICATE: "Doublon",
    Category.BLACKLISTED: "Liste noire",
}
REJECTED_REPORT_HEADER = ("Ligne", "Catégorie", "Motif")


def escape_cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in _FORMULA_TRIGGERS else text


class SafeCsvWriter:
    """csv.writer that escapes every cell; ';' by default, as French Excel expects.

    Open the file with encoding='utf-8-sig' and newline='' so Excel shows the accents.
    """

    def __init__(self, file: TextIO, header: Sequence[str], delimiter: str = ";") -> None:
        self._writer = csv.writer(file, delimiter=delimiter, quoting=csv.QUOTE_ALL)
        self.rows_written = 0
        self._writer.writerow([escape_cell(name) for name in header])

    def writerow(self, cells: Iterable[object]) -> None:
        self._writer.writerow([escape_cell(cell) for cell in cells])
        self.rows_written += 1

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for cells in rows:
            self.writerow(cells)


class RejectedRowsReport(SafeCsvWriter):
    """The downloadable report of step C: each rejected source row with its reason.

    `write` fits import_contacts(on_rejected=...).
    """

    def __init__(self, file: TextIO, columns: Sequence[str], delimiter: str = ";") -> None:
        super().__init__(file, (*REJECTED_REPORT_HEADER, *columns), delimiter)

    def write(self, rejection: Rejection) -> None:
        label = _CATEGORY_LABELS[rejection.category]
        self.writerow((rejection.line, label, rejection.reason, *rejection.cells))


def write_contacts(
    file: TextIO, contacts: Iterable[Contact], custom_fields: Sequence[str] = (), delimiter: str = ";"
) -> int:
    """Contacts (or opt-outs) as a CSV with the standard fields first; returns the row count."""
    writer = SafeCsvWriter(file, (*STANDARD_FIELDS, *custom_fields), delimiter)
    for contact in contacts:
        standard = (contact.nom, contact.prenom, contact.telephone, contact.email, contact.identifiant)
        writer.writerow((*standard, *(contact.extra.get(name, "") for name in custom_fields)))
    return writer.rows_written
