"""SMS segments and cost, the form schema, the WhatsApp registry, presets and caps."""
import pytest

from services.campaigns.config import (
    UNSUBSCRIBE_MARK, default_config, email_with_unsubscribe, plain_text_of, variables_in,
)
from services.campaigns.forms import FormError, check_answer, clean_form
from services.campaigns.presets import PRESETS, apply_preset, apply_preset_caps, frequency_caps
from services.campaigns.sms import sms_cost, sms_length
from services.campaigns.timebands import bands_from_config, is_open
from services.campaigns.whatsapp_templates import (
    TemplateError, add_template, list_templates, set_template_status, template_problems,
)
from services.models.campaigns import TemplateStatus
from services.models.platform import Role
from tests.support.accounts import context_for, new_tenant


@pytest.mark.parametrize("text, encoding, segments", [
    ("", "GSM-7", 0),
    ("a" * 160, "GSM-7", 1),
    ("a" * 161, "GSM-7", 2),           # 153 per concatenated segment
    ("€" * 80, "GSM-7", 1),            # extension characters count twice: 160 septets
    ("€" * 81, "GSM-7", 2),
    ("Promo été à Ç É", "GSM-7", 1),   # é, à, Ç, É are in the GSM alphabet (ç is not)
    ("Offre spéciale ô", "UCS-2", 1),  # ô is not: the whole message is UCS-2
    ("ô" * 70, "UCS-2", 1),
    ("ô" * 71, "UCS-2", 2),            # 67 per concatenated segment
])
def test_sms_encoding_and_segments(text, encoding, segments):
    length = sms_length(text)
    assert (length.encoding, length.segments) == (encoding, segments)


def test_sms_cost_is_segments_times_recipients_times_price():
    assert sms_cost("ô" * 71, 1000, 25) == 2 * 1000 * 25


def test_variables_and_email_parts():
    assert variables_in("Bonjour {Prenom} {Nom}, {Prenom}") == ["Prenom", "Nom"]
    html = email_with_unsubscribe("<p>Bonjour&nbsp;{Nom}</p>")
    assert UNSUBSCRIBE_MARK in html and email_with_unsubscribe(html) == html
    assert plain_text_of("<p>Bonjour&nbsp;{Nom}</p><p>Merci</p>") == "Bonjour {Nom}\nMerci"


def test_form_schema_types_tags_and_answers():
    form = clean_form([
        {"label": "Budget", "tag": "Budget_Client", "type": "number", "required": True},
        {"label": "Date de rappel", "tag": "Date_Rappel", "type": "date"},
        {"label": "Intérêt", "type": "list", "options": "Fort, Moyen, Faible"},
        {"label": "Accepte la newsletter", "type": "checkbox"},
        {"label": "Commentaire", "type": "text"},
    ])
    assert [(f["key"], f["type"]) for f in form["fields"]] == [
        ("Budget_Client", "number"), ("Date_Rappel", "date"), ("Int_r_t", "list"),
        ("Accepte_la_newsletter", "checkbox"), ("Commentaire", "text")]
    budget, _, interest = form["fields"][:3]
    assert check_answer(budget, "") == "Champ obligatoire."
    assert check_answer(budget, "abc") == "Saisissez un nombre."
    assert check_answer(budget, "1500,50") == ""
    assert check_answer(interest, "Nul") == "Choisissez une valeur de la liste."
    with pytest.raises(FormError, match="même étiquette"):
        clean_form([{"label": "A", "tag": "X"}, {"label": "B", "tag": "X"}])
    with pytest.raises(FormError, match="aucun choix"):
        clean_form([{"label": "Intérêt", "type": "list"}])


def test_whatsapp_template_validation_and_registry():
    assert template_problems("relance_1", "fr", "MARKETING", "Bonjour {{1}}, code {{2}}.") == []
    assert template_problems("Relance 1", "fr", "MARKETING", "x") == [
        "Nom : lettres minuscules, chiffres et « _ » uniquement."]
    assert template_problems("r", "fr", "MARKETING", "Bonjour {{1}} et {{3}}.") == [
        "Les variables doivent se suivre : {{1}}, {{2}}, {{3}}…"]
    assert template_problems("r", "fr", "MARKETING", "{{1}} bonjour") == [
        "Le corps ne peut ni commencer ni finir par une variable."]
    ctx = context_for(new_tenant(), Role.SUPERVISOR)
    template = add_template(ctx, "relance_1", "fr", "MARKETING", "Bonjour {{1}}, merci.")
    assert template.status == "PENDING"
    with pytest.raises(TemplateError, match="existe déjà"):
        add_template(ctx, "relance_1", "fr", "MARKETING", "Autre {{1}} texte.")
    assert list_templates(ctx, approved_only=True) == []
    set_template_status(ctx, template.id, TemplateStatus.APPROVED)
    assert [t.name for t in list_templates(ctx, approved_only=True)] == ["relance_1"]


def test_france_preset_hours_holidays_and_caps():
    from datetime import datetime
    from zoneinfo import ZoneInfo
    config = apply_preset(default_config("Démarchage"), "FR_CALLS")
    bands, paris = bands_from_config(config), ZoneInfo("Europe/Paris")
    assert is_open(bands, datetime(2026, 11, 23, 10, 0, tzinfo=paris))       # Monday
    assert not is_open(bands, datetime(2026, 11, 23, 13, 30, tzinfo=paris))  # lunch break
    assert not is_open(bands, datetime(2026, 11, 28, 11, 0, tzinfo=paris))  # Saturday
    assert not is_open(bands, datetime(2026, 11, 11, 11, 0, tzinfo=paris))  # 11 November
    assert "2022-1313" in PRESETS["FR_CALLS"].source
    ctx = context_for(new_tenant(), Role.ADMIN)
    apply_preset_caps(ctx, "FR_CALLS")
    apply_preset_caps(ctx, "CM_SMS")
    assert [(c.channel, c.max_contacts, c.window_days, c.cooldown_after_refusal_days)
            for c in frequency_caps(ctx)] == [("SMS", 3, 1, 0), ("VOIX", 4, 30, 60)]
    senegal = bands_from_config(apply_preset(default_config("Promo"), "SN_SMS"))
    dakar = ZoneInfo("Africa/Dakar")
    assert not is_open(senegal, datetime(2026, 11, 23, 21, 30, tzinfo=dakar))
    assert is_open(senegal, datetime(2026, 11, 23, 20, 59, tzinfo=dakar))
