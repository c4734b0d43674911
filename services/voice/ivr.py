"""The IVR designer (UC-VO-02 step 1): the tenant's voice menus, what each key does, the opening hours.

Supervisors and admins of the tenant design menus; a DID (Paramètres → Numéros) enters one of them.
Invariant: what is stored can always be written as a dialplan a real Asterisk accepts and that ends:
every key leads to a queue the tenant has, to another menu of the tenant, to the voicemail or to the
end of the call; no chain of menus loops without a way out (a queue, the voicemail or a hang-up);
sound names are bare file names. Every save or delete rewrites the tenant's includes and reloads
the dialplan through the pbx bridge (`publish_lines`, as DIDs and the trunk do).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from sqlmodel import select

from services.db.tenancy import tenant_session
from services.identity.access import AuthContext, access_area
from services.models.campaigns import Campaign, CampaignStatus
from services.models.columns import utcnow
from services.models.inbound import IvrMenu
from services.models.settings import PhoneNumber
from services.voice.phone_numbers import publish_lines

AREA = "supervision"          # supervisors and admins of the tenant
DIGITS = tuple("123456789")
ACTIONS = {"queue": "File d'attente", "menu": "Autre menu", "voicemail": "Messagerie vocale", "hangup": "Raccrocher"}
EXITS = {"queue", "voicemail", "hangup"}
WEEKDAYS = ("lun", "mar", "mer", "jeu", "ven", "sam", "dim")
SOUND = re.compile(r"^[A-Za-z0-9_-]{1,60}$")
CLOCK = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
SALES = "sales"


class IvrError(LookupError):
    pass


@dataclass(frozen=True)
class MenuView:
    id: int
    name: str
    greeting_text: str
    greeting_audio: str
    timeout_seconds: int
    max_tries: int
    options: list[dict]
    fallback: dict
    hours: dict
    closed_audio: str
    closed_action: dict
    numbers: list[str]            # the DIDs that enter this menu
    summary: str                  # "1 → Service client · 2 → Menu « Ventes »"


def queue_choices(ctx: AuthContext) -> dict[str, str]:
    """The queues a key may lead to: the tenant's general queue and one per live or paused campaign."""
    with tenant_session(ctx) as s:
        rows = s.exec(select(Campaign.id, Campaign.name).where(Campaign.status.in_(
            [CampaignStatus.LIVE.value, CampaignStatus.EN_PAUSE.value])).order_by(Campaign.name)).all()
    return {SALES: "File générale", **{f"campaign-{cid}": f"Campagne « {name} »" for cid, name in rows}}


def campaign_of_queue(target: str) -> int | None:
    """'campaign-12' -> 12; the general queue has no campaign."""
    head, _, tail = target.partition("campaign-")
    return int(tail) if not head and tail.isdigit() else None


def _describe(action: dict, queues: dict[str, str], names: dict[int, str]) -> str:
    kind, target = action.get("action", ""), str(action.get("target", ""))
    if kind == "queue":
        return queues.get(target, target)
    if kind == "menu":
        return f"Menu « {names.get(int(target), '?')} »" if target.isdigit() else "Menu ?"
    return ACTIONS.get(kind, kind)


def list_menus(ctx: AuthContext) -> list[MenuView]:
    access_area(ctx, AREA)
    queues = queue_choices(ctx)
    with tenant_session(ctx) as s:
        menus = s.exec(select(IvrMenu).order_by(IvrMenu.name)).all()
        numbers = s.exec(select(PhoneNumber).where(PhoneNumber.ivr_menu_id.is_not(None))).all()
    names = {m.id: m.name for m in menus}
    return [MenuView(m.id, m.name, m.greeting_text, m.greeting_audio, m.timeout_seconds, m.max_tries,
                     list(m.options), dict(m.fallback), dict(m.hours), m.closed_audio, dict(m.closed_action),
                     sorted(n.number for n in numbers if n.ivr_menu_id == m.id),
                     " · ".join(f"{o['digit']} → {_describe(o, queues, names)}" for o in m.options))
            for m in menus]


def entry_numbers(ctx: AuthContext) -> list[tuple[int, str, str]]:
    """The tenant's DIDs a menu may answer: (id, number, label)."""
    access_area(ctx, AREA)
    with tenant_session(ctx) as s:
        return [(n.id, n.number, n.label) for n in s.exec(select(PhoneNumber).order_by(PhoneNumber.number))]


def _check_action(action: dict, queues: dict[str, str], menus: set[int], what: str) -> str | None:
    kind, target = action.get("action", ""), str(action.get("target", "") or "")
    if kind not in ACTIONS:
        return f"{what} : choisissez une action."
    if kind == "queue" and target not in queues:
        return f"{what} : cette file d'attente n'existe pas (ou plus) ; choisissez-en une de la liste."
    if kind == "menu" and not (target.isdigit() and int(target) in menus):
        return f"{what} : ce menu n'existe pas (ou plus)."
    return None


def _clean_action(action: dict) -> dict:
    kind = action.get("action", "")
    return {"action": kind, "target": str(action.get("target", "")) if kind in ("queue", "menu") else ""}


def find_dead_loop(menus: dict[int, dict]) -> list[int] | None:
    """Menus from which no queue, voicemail or hang-up can ever be reached (a loop without exit), or None.
    `menus`: id -> {"options": [...], "fallback": {...}}."""
    def targets(menu: dict) -> list[dict]:       # in opening hours: the keys and the fallback (the closed
        return list(menu.get("options", [])) + [menu.get("fallback") or {}]   # branch is no way out of them)
    exits = {mid for mid, m in menus.items() if any(a.get("action") in EXITS for a in targets(m))}
    changed = True
    while changed:
        changed = False
        for mid, menu in menus.items():
            if mid not in exits and any(a.get("action") == "menu" and str(a.get("target")).isdigit()
                                        and int(a["target"]) in exits for a in targets(menu)):
                exits.add(mid)
                changed = True
    dead = sorted(set(menus) - exits)
    return dead or None


def save_menu(ctx: AuthContext, menu_id: int | None, *, name: str, greeting_audio: str, greeting_text: str = "",
              timeout_seconds: int | str = 5, max_tries: int | str = 3, options: list[dict],
              fallback: dict, hours: dict | None = None, closed_audio: str = "",
              closed_action: dict | None = None, number_ids: list[int] | None = None) -> dict[str, str]:
    """Add (menu_id None) or change a menu; the errors by field (French), or {} when saved and applied."""
    access_area(ctx, AREA)
    queues = queue_choices(ctx)
    name, greeting_audio, closed_audio = name.strip(), greeting_audio.strip(), closed_audio.strip()
    hours, closed_action, number_ids = hours or {}, closed_action or {}, number_ids or []
    errors: dict[str, str] = {}
    if not 2 <= len(name) <= 80:
        errors["name"] = "Indiquez un nom de menu (2 à 80 caractères), ex. « Accueil »."
    if not SOUND.match(greeting_audio):
        errors["greeting_audio"] = ("Indiquez le fichier audio d'accueil : son nom sans extension, lettres, "
                                    "chiffres, - et _ (ex. accueil-2026).")
    if len(greeting_text) > 500:
        errors["greeting_text"] = "Le texte d'accueil ne peut dépasser 500 caractères."
    timeout = int(timeout_seconds) if str(timeout_seconds).strip().isdigit() else 0
    if not 2 <= timeout <= 30:
        errors["timeout_seconds"] = "Le délai d'attente d'une touche doit être entre 2 et 30 secondes."
    tries = int(max_tries) if str(max_tries).strip().isdigit() else 0
    if not 1 <= tries <= 5:
        errors["max_tries"] = "Le nombre d'essais doit être entre 1 et 5."
    with tenant_session(ctx) as s:
        stored = {m.id: m for m in s.exec(select(IvrMenu))}
        if menu_id is not None and menu_id not in stored:
            raise IvrError(menu_id)
        if any(m.name.lower() == name.lower() and m.id != menu_id for m in stored.values()):
            errors["name"] = "Un autre menu porte déjà ce nom."
        numbers = {n.id: n for n in s.exec(select(PhoneNumber))}
    known = set(stored) | {0}                                    # 0: this new menu itself
    chosen = [o for o in options if o.get("action")]
    digits = [str(o.get("digit", "")) for o in chosen]
    if not chosen:
        errors["options"] = "Ajoutez au moins un choix (touche 1 à 9)."
    elif any(d not in DIGITS for d in digits):
        errors["options"] = "Chaque choix utilise une touche de 1 à 9."
    elif len(set(digits)) != len(digits):
        errors["options"] = "Deux choix utilisent la même touche."
    else:
        for o in chosen:
            if problem := _check_action(o, queues, known, f"Touche {o['digit']}"):
                errors["options"] = problem
                break
    if problem := _check_action(fallback, queues, known, "Sans réponse ou touche invalide"):
        errors["fallback"] = problem
    if hours:
        days = hours.get("days") or []
        if not days or any(d not in range(7) for d in days):
            errors["hours"] = "Cochez au moins un jour d'ouverture."
        elif not (CLOCK.match(hours.get("start", "")) and CLOCK.match(hours.get("end", ""))
                  and hours["start"] < hours["end"]):
            errors["hours"] = "Horaires invalides : une heure d'ouverture avant l'heure de fermeture (HH:MM)."
        if not SOUND.match(closed_audio):
            errors["closed_audio"] = "Indiquez le fichier audio du message de fermeture (nom sans extension)."
        if problem := _check_action(closed_action, queues, known, "En dehors des horaires"):
            errors["closed_action"] = problem
        elif closed_action.get("action") == "queue":
            errors["closed_action"] = "En dehors des horaires, l'appel ne peut pas être mis en file d'attente."
    if any(n not in numbers for n in number_ids):
        errors["numbers"] = "Un des numéros choisis n'existe plus."
    elif any(numbers[n].ivr_menu_id not in (None, menu_id) for n in number_ids):
        errors["numbers"] = "Un des numéros choisis mène déjà à un autre menu."
    if errors:
        return errors
    this = menu_id or 0
    fallback, closed_action = _clean_action(fallback), _clean_action(closed_action) if hours else {}
    options = sorted(({"digit": str(o["digit"]), **_clean_action(o)} for o in chosen), key=lambda o: o["digit"])
    graph = {mid: {"options": m.options, "fallback": m.fallback, "closed_action": m.closed_action}
             for mid, m in stored.items() if mid != menu_id}
    graph[this] = {"options": options, "fallback": fallback, "closed_action": closed_action}
    if dead := find_dead_loop(graph):
        loop = " → ".join(f"« {stored[m].name if m in stored else name} »" for m in dead)
        return {"options": f"Boucle sans sortie : {loop} ne mène à aucune file, messagerie ou raccrochage."}
    with tenant_session(ctx) as s:
        row = s.get(IvrMenu, menu_id) if menu_id else IvrMenu()
        row.name, row.greeting_audio, row.greeting_text = name, greeting_audio, greeting_text.strip()
        row.timeout_seconds, row.max_tries, row.options, row.fallback = timeout, tries, options, fallback
        row.hours = {"days": sorted(hours["days"]), "start": hours["start"], "end": hours["end"]} if hours else {}
        row.closed_audio, row.closed_action, row.updated_at = (closed_audio if hours else ""), closed_action, utcnow()
        s.add(row)
        s.flush()
        if this == 0:                      # a new menu that leads to itself: now it has its id
            row.options = [{**o, "target": str(row.id)} if o["action"] == "menu" and o["target"] == "0" else o
                           for o in options]
            for key in ("fallback", "closed_action"):
                action = getattr(row, key)
                if action.get("action") == "menu" and action.get("target") == "0":
                    setattr(row, key, {**action, "target": str(row.id)})
        for number in s.exec(select(PhoneNumber)):
            entering = number.id in number_ids
            if entering or number.ivr_menu_id == row.id:
                number.ivr_menu_id = row.id if entering else None
                s.add(number)
    publish_lines(ctx)
    return {}


def delete_menu(ctx: AuthContext, menu_id: int) -> str:
    """Delete a menu; '' when done, else why not (another menu leads to it)."""
    access_area(ctx, AREA)
    with tenant_session(ctx) as s:
        row = s.get(IvrMenu, menu_id)
        if row is None:
            raise IvrError(menu_id)
        for other in s.exec(select(IvrMenu).where(IvrMenu.id != menu_id)):
            actions = list(other.options) + [other.fallback, other.closed_action]
            if any(a.get("action") == "menu" and a.get("target") == str(menu_id) for a in actions):
                return f"Le menu « {other.name} » mène à celui-ci : changez d'abord ce choix."
        for number in s.exec(select(PhoneNumber).where(PhoneNumber.ivr_menu_id == menu_id)):
            number.ivr_menu_id = None
            s.add(number)
        s.delete(row)
    publish_lines(ctx)
    return ""
