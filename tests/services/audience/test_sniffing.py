import codecs

import pytest

from services.audience.errors import ImportFileError
from services.audience.sniffing import detect_delimiter, looks_like_header, sniff_csv, sniff_sample

FRENCH = "Nom;Prénom;Téléphone\nMüller;Hélène;0612345678\nLefèvre;François;0698765432\n"


def test_semicolon_file_in_windows_1252_keeps_french_accents(make_file):
    path = make_file(FRENCH, encoding="cp1252")

    layout = sniff_csv(path)

    assert (layout.encoding, layout.delimiter, layout.has_header, layout.confident) == ("cp1252", ";", True, True)
    assert "Hélène" in path.read_bytes().decode(layout.encoding)


def test_utf8_with_bom_is_read_without_the_bom(make_file):
    path = make_file(codecs.BOM_UTF8 + "nom,prenom,email\nMüller,Zoë,z@exemple.cm\n".encode())

    layout = sniff_csv(path)

    assert (layout.encoding, layout.delimiter) == ("utf-8-sig", ",")
    assert path.read_bytes().decode(layout.encoding).startswith("nom,")


def test_plain_utf8_is_preferred_when_it_decodes():
    assert sniff_sample(FRENCH.encode("utf-8")).encoding == "utf-8"


def test_utf8_sample_cut_inside_a_character_is_still_utf8():
    data = ("nom;tel\n" + "Hélène;0612345678\n" * 10).encode()
    cut = data[: data.index("é".encode()) + 1]  # first byte of "é" only

    assert sniff_sample(cut, complete=False).encoding == "utf-8"


@pytest.mark.parametrize("delimiter", ["\t", "|", ",", ";"])
def test_each_supported_delimiter_is_found(delimiter):
    text = "\n".join(delimiter.join(row) for row in [["id", "tel", "ville"], ["1", "671234567", "Douala"], ["2", "699887766", "Yaoundé"]])

    layout = sniff_sample(text.encode())

    assert (layout.delimiter, layout.confident) == (delimiter, True)


def test_two_plausible_separators_make_the_sniffer_unsure():
    # every line splits evenly on ';' and on ',': the user must choose (flow A2)
    text = "nom;ville, pays\nDupont;Paris, France\nNgo;Douala, Cameroun\n"

    delimiter, confident = detect_delimiter(text.splitlines())

    assert delimiter in (";", ",")
    assert confident is False


def test_unknown_separator_is_unsure():
    layout = sniff_sample(b"nom:tel\nDupont:0612345678\nNgo:0698765432\n")

    assert layout.confident is False


def test_quoted_delimiters_do_not_confuse_the_count():
    text = 'nom,ville\n"Dupont, Jean",Paris\n"Ngo, Marie",Douala\n'

    assert detect_delimiter(text.splitlines()) == (",", True)


def test_header_detected_from_known_column_names():
    assert looks_like_header([["Client", "Courriel"], ["Dupont", "d@exemple.cm"]])


def test_header_detected_above_a_column_of_numbers():
    assert looks_like_header([["Qui", "Joignable au"], ["Dupont", "671234567"]])


def test_no_header_when_the_first_row_is_already_data():
    assert not looks_like_header([["Dupont", "671234567"], ["Ngo", "699887766"]])


def test_binary_garbage_is_refused(make_file):
    path = make_file(bytes(range(256)) * 40)

    with pytest.raises(ImportFileError, match="pas un fichier texte"):
        sniff_csv(path)


def test_mixed_encodings_in_the_sample_are_refused():
    data = "Nom;Ville\nHélène;Yaoundé\n".encode() + "François;Douala\n".encode("cp1252")

    with pytest.raises(ImportFileError, match="mélange plusieurs encodages"):
        sniff_sample(data)
