"""Personalisation: a campaign text with the contact's {Nom}, {Prenom}, ... and custom fields.

A variable the contact has no value for is that contact's error (shown in the campaign's
"non envoyés et pourquoi"), never a crash and never a message with "{Nom}" left in it.
"""
from __future__ import annotations

from services.audience.mapping import Field
from services.campaigns.config import render, variables_in

UNSUBSCRIBE_VARIABLE = "Lien_Desinscription"  # filled by the engine, not the contact


class MissingValue(ValueError):
    def __init__(self, names: list[str]):
        self.names = names
        super().__init__("Valeur manquante pour ce contact : "
                         + ", ".join("{" + n + "}" for n in names) + ".")


def contact_values(nom: str, prenom: str, telephone: str, email: str, identifiant: str,
                   extra: dict | None) -> dict[str, str]:
    values = {k: str(v) for k, v in (extra or {}).items() if v not in (None, "")}
    values.update({Field.NOM: nom, Field.PRENOM: prenom, Field.TELEPHONE: telephone,
                   Field.EMAIL: email, Field.IDENTIFIANT: identifiant})
    return {str(k): v for k, v in values.items() if v}


def personalise(text: str, values: dict[str, str]) -> str:
    missing = [v for v in variables_in(text) if v not in values]
    if missing:
        raise MissingValue(missing)
    return render(text, values)
