from services.audience.cleaning import (
    Blacklist, Category, CleaningRules, Contact, ContactGate, DedupeOn, ImportSummary, Rejection,
    check_rules, clean_rows, is_valid_email,
)
from services.audience.mapping import Field

MAPPING = {Field.IDENTIFIANT: 0, Field.NOM: 1, Field.TELEPHONE: 2, Field.EMAIL: 3, "Ville": 4}


def run(rows, rules=CleaningRules("CM"), blacklist=Blacklist()):
    gate = ContactGate(rules, blacklist)
    verdicts = list(clean_rows(enumerate(rows, start=2), MAPPING, rules, gate))
    return verdicts, gate.summary


def accepted(verdicts):
    return [v for v in verdicts if isinstance(v, Contact)]


def rejected(verdicts):
    return [(v.line, v.category, v.reason) for v in verdicts if isinstance(v, Rejection)]


def test_valid_rows_become_contacts_with_e164_phones_and_custom_fields():
    verdicts, summary = run([["C1", "Ngo", "6 71 23 45 67", "ngo@exemple.cm", "Douala"]])

    assert verdicts == [Contact(2, "Ngo", "", "+237671234567", "ngo@exemple.cm", "C1", {"Ville": "Douala"})]
    assert summary == ImportSummary(total=1, accepted=1)


def test_email_only_contact_is_accepted_and_counted_apart():
    verdicts, summary = run([["C1", "Ngo", "", "ngo@exemple.cm", ""], ["C2", "Eto", "671234567", "", ""],
                             ["C3", "Mba", "", "", ""]])

    assert [c.email for c in accepted(verdicts) if not c.telephone] == ["ngo@exemple.cm"]
    assert summary == ImportSummary(total=3, errors=1, accepted=2, email_only=1)


def test_typed_custom_fields_are_written_one_way_and_a_wrong_value_is_a_format_error():
    rules = CleaningRules("CM", field_kinds={"Ville": "texte", "Solde": "nombre", "Echeance": "date"})
    mapping = {Field.TELEPHONE: 0, "Ville": 1, "Solde": 2, "Echeance": 3}
    rows = [["671234567", "Douala", "1 234,50", "1/2/2027"],
            ["699887766", "Kribi", "12", "2027-03-04T00:00:00"],   # a date cell of Excel
            ["655112233", "Garoua", "beaucoup", "31/02/2027"],
            ["677665544", "", "", ""]]                            # empty cells stay empty

    verdicts = list(clean_rows(enumerate(rows, start=2), mapping, rules, ContactGate(rules)))

    assert [c.extra for c in accepted(verdicts)] == [
        {"Ville": "Douala", "Solde": "1234.50", "Echeance": "01/02/2027"},
        {"Ville": "Kribi", "Solde": "12", "Echeance": "04/03/2027"},
        {"Ville": "", "Solde": "", "Echeance": ""},
    ]
    assert rejected(verdicts) == [(4, Category.ERROR, "Solde : nombre attendu (« beaucoup »); "
                                                     "Echeance : date impossible (« 31/02/2027 »)")]


def test_format_errors_keep_the_source_row_and_every_reason():
    row = ["C1", "Ngo", "12345", "ngo@@exemple", "Douala"]

    verdicts, summary = run([row, ["C2", "Sans contact", "", "", ""]])

    assert verdicts[0] == Rejection(2, Category.ERROR, "Téléphone : numéro trop court; Email : adresse invalide", row)
    assert rejected(verdicts)[1] == (3, Category.ERROR, "Ni téléphone ni email")
    assert summary == ImportSummary(total=2, errors=2)


def test_duplicates_on_the_phone_whatever_its_format():
    rows = [["C1", "A", "671234567", "", ""], ["C2", "B", "+237 6 71 23 45 67", "", ""],
            ["C3", "C", "", "x@exemple.cm", ""], ["C4", "D", "", "X@Exemple.cm", ""]]

    verdicts, summary = run(rows, CleaningRules("CM", DedupeOn.TELEPHONE))

    assert [c.identifiant for c in accepted(verdicts)] == ["C1", "C3"]
    assert [(line, category) for line, category, _ in rejected(verdicts)] == [(3, Category.DUPLICATE), (5, Category.DUPLICATE)]
    assert summary == ImportSummary(total=4, duplicates=2, accepted=2, email_only=1)


def test_duplicates_on_the_unique_id_keep_different_phones_apart():
    rows = [["C1", "A", "671234567", "", ""], ["C1", "B", "699887766", "", ""], ["C2", "C", "671234567", "", ""]]

    verdicts, summary = run(rows, CleaningRules("CM", DedupeOn.IDENTIFIANT))

    assert [(c.identifiant, c.telephone) for c in accepted(verdicts)] == [("C1", "+237671234567"), ("C2", "+237671234567")]
    assert rejected(verdicts) == [(3, Category.DUPLICATE, "Doublon : même identifiant qu'une ligne précédente")]
    assert summary.duplicates == 1


def test_missing_id_is_an_error_when_deduplicating_on_it():
    verdicts, _ = run([["", "A", "671234567", "", ""]], CleaningRules("CM", DedupeOn.IDENTIFIANT))

    assert rejected(verdicts) == [(2, Category.ERROR, "Identifiant manquant")]


def test_deduplicating_on_id_needs_an_id_column():
    assert check_rules(CleaningRules("CM", DedupeOn.IDENTIFIANT), {Field.TELEPHONE: 0})
    assert check_rules(CleaningRules("CM", DedupeOn.TELEPHONE), {Field.TELEPHONE: 0}) == []


def test_blacklisted_phone_or_email_is_removed_every_time():
    blacklist = Blacklist(phones=frozenset({"+237699887766"}), emails=frozenset({"stop@exemple.cm"}))
    rows = [["C1", "A", "699 88 77 66", "", ""], ["C2", "B", "699887766", "", ""],
            ["C3", "C", "671234567", "STOP@exemple.cm", ""], ["C4", "D", "671234568", "ok@exemple.cm", ""]]

    verdicts, summary = run(rows, blacklist=blacklist)

    assert [c.identifiant for c in accepted(verdicts)] == ["C4"]
    assert {category for _, category, _ in rejected(verdicts)} == {Category.BLACKLISTED}
    assert summary == ImportSummary(total=4, blacklisted=3, accepted=1)


def test_french_list_in_a_french_tenant():
    verdicts, _ = run([["F1", "Lefèvre", "06 12 34 56 78", "", ""], ["F2", "Müller", "+237 671234567", "", ""]],
                      CleaningRules("FR"))

    assert [c.telephone for c in accepted(verdicts)] == ["+33612345678", "+237671234567"]


def test_email_syntax():
    assert is_valid_email("helene.muller+promo@exemple.co.cm")
    for bad in ["helene", "a@b", "a@@b.cm", "a b@c.cm", "a@-b.cm", ".a@b.cm", "a..b@c.cm", "x" * 65 + "@b.cm"]:
        assert not is_valid_email(bad), bad
