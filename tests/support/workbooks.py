"""Excel workbooks as a user's spreadsheet program saves them."""
from __future__ import annotations

import io

import openpyxl

# Phones typed in Excel become numbers: 671234567, and a float as some exports write them.
CONTACTS = [["Nom", "Prénom", "Téléphone", "Email"],
            ["Müller", "Hélène", 671234567, "helene@exemple.cm"],
            ["Ngo", "Aïcha", 699887766.0, None],
            ["Fotso", "Jean", 222234567, None]]


def xlsx_bytes(rows: list[list]) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
