"""Step A of UC-CP-06: stream the rows of an uploaded CSV or XLSX, within hard limits.

Nothing reads a whole file into memory, every refusal is one ImportFileError with a French
message, and no row is produced from bytes that were not understood.
"""

import codecs
import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time
from itertools import chain, islice
from pathlib import Path
from typing import BinaryIO, Iterator

import openpyxl

from services.audience.errors import ImportFileError
from services.audience.sniffing import DELIMITERS, CsvLayout, looks_like_header, sniff_csv

Row = tuple[int, list[str]]
"""(row number as the user sees it in a spreadsheet, cells)."""

_XLSX_MAGIC = b"PK\x03\x04"
_XLS_MAGIC = b"\xd0\xcf\x11\xe0"
_HEADER_PEEK = 20
_DELIMITER_NAMES = {",": "virgule (,)", ";": "point-virgule (;)", "\t": "tabulation", "|": "barre (|)"}


@dataclass(frozen=True)
class Limits:
    max_cell_chars: int = 10_000
    max_line_chars: int = 100_000
    max_columns: int = 200
    max_rows: int = 5_000_000
    max_xlsx_uncompressed_bytes: int = 512 * 1024 * 1024
    max_xlsx_ratio: int = 200  # zip bombs reach thousands; real sheets stay around 10-30
    max_xlsx_members: int = 1_000


DEFAULT_LIMITS = Limits()


@dataclass
class Table:
    kind: str  # "csv" or "xlsx"
    columns: list[str]
    rows: Iterator[Row]
    layout: CsvLayout | None = None


def open_table(
    path: str | Path,
    layout: CsvLayout | None = None,
    has_header: bool | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Table:
    """The column names and a stream of data rows; `layout` overrides the CSV sniffing."""
    kind = _file_kind(path)
    if kind == "xlsx":
        rows = _xlsx_rows(path, limits)
    else:
        layout = layout or sniff_csv(path)
        rows = _csv_rows(path, layout, limits)
    head = list(islice(rows, _HEADER_PEEK))
    if not head:
        raise ImportFileError("Le fichier est vide.")
    if layout is not None:
        _check_delimiter(head[0][1], layout.delimiter)
    if has_header is None:
        has_header = layout.has_header if layout else looks_like_header([cells for _, cells in head])
    columns = _column_names(head, has_header)
    data = chain(head[1:] if has_header else head, rows)
    return Table(kind, columns, _at_least_one(data), layout)


def _file_kind(path: str | Path) -> str:
    with open(path, "rb") as file:
        magic = file.read(4)
    if not magic:
        raise ImportFileError("Le fichier est vide.")
    if magic == _XLS_MAGIC:
        raise ImportFileError(
            "L'ancien format Excel (.xls) n'est pas pris en charge : enregistrez le classeur "
            "en .xlsx ou en CSV."
        )
    return "xlsx" if magic == _XLSX_MAGIC else "csv"


def _check_delimiter(first_row: list[str], delimiter: str) -> None:
    """A single column whose text another separator would split: the separator is wrong."""
    if len(first_row) != 1:
        return
    for other in DELIMITERS:
        if other != delimiter and len(first_row[0].split(other)) >= 2:
            raise ImportFileError(
                f"Le séparateur {_DELIMITER_NAMES[delimiter]} ne découpe pas le fichier en "
                f"colonnes ; il semble utiliser le séparateur {_DELIMITER_NAMES[other]}. "
                "Choisissez le séparateur."
            )


def _column_names(head: list[Row], has_header: bool) -> list[str]:
    if has_header:
        return [name.strip() or f"Colonne {i}" for i, name in enumerate(head[0][1], start=1)]
    width = max(len(cells) for _, cells in head)
    return [f"Colonne {i}" for i in range(1, width + 1)]


def _at_least_one(rows: Iterator[Row]) -> Iterator[Row]:
    empty = True
    for row in rows:
        empty = False
        yield row
    if empty:
        raise ImportFileError("Le fichier ne contient que la ligne d'en-tête : aucun contact.")


def _checked(number: int, cells: list[str], limits: Limits) -> list[str]:
    if number > limits.max_rows:
        raise ImportFileError(f"Le fichier dépasse la limite de {limits.max_rows:,} lignes.".replace(",", " "))
    if len(cells) > limits.max_columns:
        raise ImportFileError(
            f"Ligne {number} : {len(cells)} colonnes, la limite est de {limits.max_columns}."
        )
    if max(map(len, cells)) > limits.max_cell_chars:
        raise ImportFileError(
            f"Ligne {number} : une cellule dépasse {limits.max_cell_chars} caractères."
        )
    return cells


# --- CSV -------------------------------------------------------------------------------

def _csv_rows(path: str | Path, layout: CsvLayout, limits: Limits) -> Iterator[Row]:
    with open(path, "rb") as raw:
        text = io.TextIOWrapper(raw, encoding=layout.encoding, errors="strict", newline="")
        reader = csv.reader(_bounded_lines(text, limits), delimiter=layout.delimiter)
        number = 0
        try:
            for number, cells in enumerate(reader, start=1):
                if any(cells):
                    yield number, _checked(number, cells, limits)
        except UnicodeDecodeError as error:
            raise _mixed_encoding(number + 1, layout.encoding) from error
        except csv.Error as error:
            raise _csv_error(number + 1, str(error), limits) from error


def _bounded_lines(text: io.TextIOWrapper, limits: Limits) -> Iterator[str]:
    """Lines of at most max_line_chars, checked without reading a longer line whole."""
    number = 0
    while line := text.readline(limits.max_line_chars + 1):
        number += 1
        if len(line) > limits.max_line_chars:
            raise ImportFileError(
                f"Ligne {number} : plus de {limits.max_line_chars} caractères sans retour à la "
                "ligne. Le fichier n'est pas une liste de contacts valide."
            )
        yield line


def _mixed_encoding(number: int, encoding: str) -> ImportFileError:
    name = codecs.lookup(encoding).name
    return ImportFileError(
        f"Ligne {number} (environ) : caractères invalides pour l'encodage {name} ; le fichier "
        "mélange plusieurs encodages. Réenregistrez-le en « CSV UTF-8 » puis réessayez."
    )


def _csv_error(number: int, detail: str, limits: Limits) -> ImportFileError:
    if "field larger than field limit" in detail:
        return ImportFileError(f"Ligne {number} : une cellule dépasse {limits.max_cell_chars} caractères.")
    if "NUL" in detail:
        return ImportFileError("Ce fichier contient des données binaires : ce n'est pas un CSV.")
    return ImportFileError(f"Ligne {number} : CSV mal formé ({detail}).")


# --- XLSX ------------------------------------------------------------------------------

def _xlsx_rows(path: str | Path, limits: Limits) -> Iterator[Row]:
    _check_archive(path, limits)
    # Opened as a file object: openpyxl refuses a path whose name does not end in .xlsx,
    # and uploads are stored under a generated name.
    with open(path, "rb") as file:
        yield from _workbook_rows(file, limits)


def _workbook_rows(file: BinaryIO, limits: Limits) -> Iterator[Row]:
    try:
        workbook = openpyxl.load_workbook(file, read_only=True, data_only=False)
    except Exception as error:  # openpyxl raises many types for a damaged file
        raise _unreadable_workbook() from error
    try:
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        for number, values in enumerate(rows, start=1):
            cells = [_cell_text(value) for value in values]
            if any(cells):
                yield number, _checked(number, cells, limits)
    except ImportFileError:
        raise
    except Exception as error:
        raise _unreadable_workbook() from error
    finally:
        workbook.close()


def _check_archive(path: str | Path, limits: Limits) -> None:
    """Refuse a zip bomb from its directory, before anything is decompressed."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except zipfile.BadZipFile as error:
        raise _unreadable_workbook() from error
    total = sum(member.file_size for member in members)
    swollen = [
        member for member in members
        if member.file_size > 1024 * 1024
        and member.file_size > limits.max_xlsx_ratio * max(member.compress_size, 1)
    ]
    if swollen or total > limits.max_xlsx_uncompressed_bytes or len(members) > limits.max_xlsx_members:
        raise ImportFileError(
            "Ce classeur Excel se décompresse en un volume anormal (archive piégée ?) : "
            "il est refusé."
        )
    if "xl/workbook.xml" not in {member.filename for member in members}:
        raise ImportFileError("Ce fichier compressé n'est pas un classeur Excel (.xlsx).")


def _unreadable_workbook() -> ImportFileError:
    return ImportFileError("Le classeur Excel est illisible ou endommagé : ouvrez-le et réenregistrez-le.")


def _cell_text(value: object) -> str:
    """Cell content as text; a formula stays its text (e.g. '=HYPERLINK(...)'), never evaluated."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a phone typed as a number: 671234567.0 -> "671234567"
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    return str(getattr(value, "text", value))  # array formulas carry their text
