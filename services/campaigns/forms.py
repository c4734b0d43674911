"""The agent form of a campaign (UC-CP-04): a JSON schema of typed fields, versioned with
the campaign. A change that removes or retypes a field already holding answers needs an
explicit confirmation; answers are never deleted (they stay in `form_answer`)."""
from __future__ import annotations

import re
from dataclasses import dataclass

FIELD_TYPES = ("text", "number", "list", "checkbox", "date")
TYPE_LABELS = {"text": "Texte", "number": "Nombre", "list": "Liste déroulante",
               "checkbox": "Case à cocher", "date": "Date"}
_KEY = re.compile(r"[^A-Za-z0-9_]+")


class FormError(ValueError):
    pass


def field_key(label: str, tag: str = "") -> str:
    """The stable key of a field: its tag (Budget_Client) or one made from its label."""
    key = _KEY.sub("_", (tag or label).strip()).strip("_")
    return key[:60] or "champ"


def clean_field(raw: dict) -> dict:
    label = str(raw.get("label", "")).strip()
    kind = str(raw.get("type", "text"))
    if not label:
        raise FormError("Chaque champ du formulaire a besoin d'un libellé.")
    if kind not in FIELD_TYPES:
        raise FormError(f"Type de champ inconnu : {kind}.")
    options = raw.get("options") or []
    if isinstance(options, str):
        options = [o.strip() for o in options.split(",")]
    options = [o for o in options if o]
    if kind == "list" and not options:
        raise FormError(f"La liste « {label} » n'a aucun choix.")
    tag = field_key(str(raw.get("tag", ""))) if raw.get("tag") else ""
    return {"key": raw.get("key") or field_key(label, tag), "label": label[:120], "type": kind,
            "required": bool(raw.get("required")), "options": options if kind == "list" else [],
            "tag": tag}


def clean_form(fields: list[dict]) -> dict:
    cleaned = [clean_field(f) for f in fields]
    keys = [f["key"] for f in cleaned]
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    if duplicates:
        raise FormError("Deux champs portent la même étiquette : " + ", ".join(duplicates) + ".")
    return {"fields": cleaned}


@dataclass(frozen=True)
class BreakingChange:
    key: str
    label: str
    what: str  # "supprimé" or "type changé"
    answers: int

    def sentence(self) -> str:
        return (f"Le champ « {self.label} » est {self.what} alors qu'il a déjà "
                f"{self.answers} réponse(s) : elles seront conservées mais ne seront plus "
                f"affichées dans le formulaire.")


def breaking_changes(old: dict, new: dict, answer_counts: dict[str, int]) -> list[BreakingChange]:
    """Fields with answers that the new form removes or retypes."""
    new_by_key = {f["key"]: f for f in new.get("fields", [])}
    changes = []
    for field in old.get("fields", []):
        count = answer_counts.get(field["key"], 0)
        if not count:
            continue
        after = new_by_key.get(field["key"])
        if after is None:
            changes.append(BreakingChange(field["key"], field["label"], "supprimé", count))
        elif after["type"] != field["type"]:
            changes.append(BreakingChange(field["key"], field["label"], "type changé", count))
    return changes


def check_answer(field: dict, value) -> str:
    """The error for a value an agent entered ("" when fine)."""
    empty = value in (None, "", False, [])
    if empty:
        return "Champ obligatoire." if field["required"] else ""
    if field["type"] == "number":
        try:
            float(str(value).replace(",", "."))
        except ValueError:
            return "Saisissez un nombre."
    if field["type"] == "list" and value not in field["options"]:
        return "Choisissez une valeur de la liste."
    return ""
