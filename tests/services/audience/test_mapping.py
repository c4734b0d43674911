import pytest

from services.audience.mapping import (
    Field, RowMapper, custom_field_name, normalize_label, sample_rows, suggest_mapping, unkept_columns,
    validate_mapping,
)


@pytest.mark.parametrize(
    ("label", "field"),
    [
        ("NOM", Field.NOM), ("name", Field.NOM), ("Last Name", Field.NOM),
        ("Prénom", Field.PRENOM), ("first_name", Field.PRENOM),
        ("Tél.", Field.TELEPHONE), ("Phone", Field.TELEPHONE), ("Mobile", Field.TELEPHONE),
        ("cell-phone", Field.TELEPHONE), ("Portable", Field.TELEPHONE), ("TÉLÉPHONE", Field.TELEPHONE),
        ("Mail", Field.EMAIL), ("E-mail", Field.EMAIL), ("Courriel", Field.EMAIL),
        ("ID", Field.IDENTIFIANT), ("client_id", Field.IDENTIFIANT), ("Identifiant", Field.IDENTIFIANT),
    ],
)
def test_column_names_suggest_standard_fields(label, field):
    assert suggest_mapping([label]) == {field: 0}


def test_normalized_labels_ignore_accents_case_and_punctuation():
    assert normalize_label("  Téléphone Mobile (GSM) ") == "telephone_mobile_gsm"


def test_unknown_columns_are_left_for_the_user():
    assert suggest_mapping(["Ville", "Commentaire"]) == {}


def test_columns_no_field_reads_are_the_ones_not_kept():
    columns = ["Code client", "Nom", "Numéro portable", "Ville", "Commentaire"]

    assert unkept_columns(columns, suggest_mapping(columns)) == [2, 3, 4]  # "Code client": {Identifiant}
    assert unkept_columns(columns, {Field.NOM: 1, Field.TELEPHONE: 2, "Ville": 3}) == [0, 4]


@pytest.mark.parametrize(("label", "name"), [
    ("Ville", "Ville"), (" Zone géographique ", "Zone_géographique"), ("Date d'échéance", "Date_d_échéance"),
    ("2e adresse", "Champ_2e_adresse"), ("N°", "N"),
])
def test_a_kept_column_suggests_a_valid_custom_field_name(label, name):
    assert custom_field_name(label) == name


def test_first_matching_column_wins_and_custom_fields_are_matched():
    columns = ["Tel fixe", "Téléphone", "Portable", "Zone Géographique", "ID_Client"]

    mapping = suggest_mapping(columns, custom_fields=["Zone_Geographique", "ID_Client"])

    assert mapping == {Field.TELEPHONE: 1, "Zone_Geographique": 3, "ID_Client": 4}


def test_mapping_without_phone_nor_email_is_refused():
    errors = validate_mapping({Field.NOM: 0}, ["Nom"])

    assert errors == ["Associez une colonne à {Telephone} (voix, SMS) ou à {Email} (digital)."]


@pytest.mark.parametrize("field", [Field.TELEPHONE, Field.EMAIL])
def test_phone_or_email_alone_is_enough(field):
    assert validate_mapping({field: 0}, ["colonne"]) == []


def test_mapping_errors_name_the_problem():
    columns = ["Nom", "Tel"]

    errors = validate_mapping({Field.TELEPHONE: 1, Field.NOM: 1, "Agence": 0, Field.EMAIL: 7}, columns)

    assert "Champ inconnu : {Agence}." in errors
    assert "Le champ {Email} pointe vers une colonne inexistante." in errors
    assert "La colonne « Tel » est associée à {Telephone} et à {Nom}." in errors


def test_row_mapper_strips_cells_and_reads_missing_ones_as_empty():
    to_mapped = RowMapper({Field.TELEPHONE: 2, Field.NOM: 0, "Ville": 3})

    mapped = to_mapped([" Müller ", "ignored", " 671234567"])

    assert (mapped.nom, mapped.telephone, mapped.email, mapped.extra) == ("Müller", "671234567", "", {"Ville": ""})


def test_sample_shows_mapped_fields_of_the_first_rows():
    rows = iter([["1", "Ngo", "671234567", "Douala"], ["2", "Éboué", "699887766", "Yaoundé"], ["3", "X", "6", "Y"]])

    sample = sample_rows(rows, {Field.NOM: 1, Field.TELEPHONE: 2, "Ville": 3}, size=2)

    assert sample == [
        {"Nom": "Ngo", "Telephone": "671234567", "Ville": "Douala"},
        {"Nom": "Éboué", "Telephone": "699887766", "Ville": "Yaoundé"},
    ]
