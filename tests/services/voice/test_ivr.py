"""The IVR designer: menus validated with clear French messages (unknown queue, loop without exit,
hours), stored per tenant, written as dialplan into the tenant's include (the exact lines a real
Asterisk 22 reads) and kept to the tenant that designed them."""
import pytest

from services.identity.access import AccessDenied
from services.models.platform import Role
from services.voice.asterisk_config import write_all
from services.voice.ivr import delete_menu, find_dead_loop, list_menus, save_menu
from services.voice.phone_numbers import list_numbers, save_number
from tests.support.accounts import context_for, new_tenant

QUEUE = {"action": "queue", "target": "sales"}
HANG_UP = {"action": "hangup"}


@pytest.fixture
def tenant():
    return new_tenant()


@pytest.fixture
def supervisor(tenant):
    return context_for(tenant, Role.SUPERVISOR)


def menu(supervisor, name="Accueil", menu_id=None, **changes):
    fields = dict(name=name, greeting_audio="accueil", greeting_text="Tapez 1 pour le support",
                  options=[{"digit": "1", **QUEUE}], fallback=HANG_UP)
    fields.update(changes)
    return save_menu(supervisor, menu_id, **fields)


def menu_id(supervisor, name):
    return next(m.id for m in list_menus(supervisor) if m.name == name)


def test_a_menu_is_validated_field_by_field_in_french(supervisor):
    errors = save_menu(supervisor, None, name="A", greeting_audio="accueil.wav", timeout_seconds="99",
                       max_tries=0, options=[{"digit": "1", "action": "queue", "target": "inconnue"}],
                       fallback={"action": ""}, hours={"days": [], "start": "18:00", "end": "08:00"},
                       closed_action={"action": "queue", "target": "sales"})
    assert set(errors) == {"name", "greeting_audio", "timeout_seconds", "max_tries", "options", "fallback",
                           "hours", "closed_audio", "closed_action"}
    assert "file d'attente n'existe pas" in errors["options"]
    assert errors["hours"] == "Cochez au moins un jour d'ouverture."
    assert menu(supervisor, options=[{"digit": "1", **QUEUE}, {"digit": "1", **HANG_UP}]) == {
        "options": "Deux choix utilisent la même touche."}
    assert menu(supervisor, options=[]) == {"options": "Ajoutez au moins un choix (touche 1 à 9)."}
    assert menu(supervisor, hours={"days": [0], "start": "08:00", "end": "18:00"}, closed_audio="ferme",
                closed_action=QUEUE)["closed_action"].startswith("En dehors des horaires, l'appel ne peut pas")
    assert menu(supervisor) == {}
    assert menu(supervisor, name="accueil") == {"name": "Un autre menu porte déjà ce nom."}


def test_menus_that_loop_without_exit_are_refused(supervisor):
    assert menu(supervisor, name="Ventes") == {}
    ventes = menu_id(supervisor, "Ventes")
    # Ventes leads only to Accueil, Accueil only back to Ventes: no queue, voicemail or hang-up anywhere
    assert menu(supervisor, name="Accueil", options=[{"digit": "1", "action": "menu", "target": str(ventes)}],
                fallback={"action": "menu", "target": str(ventes)}) == {}
    accueil = menu_id(supervisor, "Accueil")
    refused = menu(supervisor, name="Ventes", menu_id=ventes,
                   options=[{"digit": "2", "action": "menu", "target": str(accueil)}],
                   fallback={"action": "menu", "target": str(accueil)})
    assert refused == {"options": "Boucle sans sortie : « Ventes » → « Accueil » ne mène à aucune file, "
                                  "messagerie ou raccrochage."}
    assert find_dead_loop({1: {"options": [{"action": "menu", "target": "1"}], "fallback": HANG_UP}}) is None
    assert find_dead_loop({1: {"options": [{"action": "menu", "target": "1"}], "fallback": {"action": "menu", "target": "1"},
                               "closed_action": HANG_UP}}) == [1]       # closed hours are no way out of the menu
    assert delete_menu(supervisor, ventes) == "Le menu « Accueil » mène à celui-ci : changez d'abord ce choix."
    assert menu(supervisor, name="Accueil", menu_id=accueil) == {}
    assert delete_menu(supervisor, ventes) == ""
    assert [m.name for m in list_menus(supervisor)] == ["Accueil"]


def test_the_menu_is_written_as_dialplan_with_hours_keys_and_retries(tenant, supervisor, tmp_path):
    admin = context_for(tenant, Role.ADMIN)
    assert save_number(admin, None, "+237 6 99 00 00 01", "Service client", [], None) == {}
    [number] = list_numbers(admin)
    assert menu(supervisor, name="Support", options=[{"digit": "3", "action": "voicemail"}]) == {}
    support = menu_id(supervisor, "Support")
    assert menu(supervisor, options=[{"digit": "1", "action": "menu", "target": str(support)},
                                     {"digit": "2", **QUEUE}, {"digit": "9", **HANG_UP}],
                timeout_seconds=4, max_tries=2, fallback=QUEUE, number_ids=[number.id],
                hours={"days": [0, 1, 2, 3, 4], "start": "08:00", "end": "18:00"}, closed_audio="ferme",
                closed_action={"action": "voicemail"}) == {}
    accueil = menu_id(supervisor, "Accueil")
    assert [m.numbers for m in list_menus(supervisor) if m.id == accueil] == [["+237699000001"]]
    write_all(tmp_path, tenant.slug)
    text = (tmp_path / "extensions.d" / f"{tenant.slug}.conf").read_text()
    s, ctx = tenant.slug, f"t-{tenant.slug}-ivr-{accueil}"
    assert (f"exten => +237699000001,1,Set(__DID_LABEL=Service client)\n"
            f" same => n,Set(__ROUTE_CAMPAIGN=)\n"
            f" same => n,Goto({ctx},s,1)\n") in text
    assert (f"[{ctx}]\n"
            f"exten => s,1,NoOp(IVR menu {accueil})\n"
            " same => n,Set(IVR_TRIES=0)\n"
            " same => n,GotoIfTime(08:00-18:00,mon&tue&wed&thu&fri,*,*,Africa/Douala?open)\n"
            " same => n,Goto(closed,1)\n"
            " same => n(open),Answer()\n"
            " same => n,Wait(0.5)\n"
            " same => n(menu),Set(TIMEOUT(response)=4)\n"
            " same => n,Background(${SOUNDS}/accueil)\n"
            " same => n,WaitExten(4)\n"
            f"exten => 1,1,Goto(t-{s}-ivr-{support},s,1)\n"
            f"exten => 2,1,Set(__SATURATED_QUEUE={s}-sales)\n"
            f" same => n,GotoIf($[${{QUEUE_MEMBER({s}-sales,logged)}} = 0]?t-{s}-saturated,message,1)\n"
            f" same => n,Queue({s}-sales,t,,,60)\n same => n,Goto(t-{s}-saturated,message,1)\n"
            "exten => 9,1,Hangup(16)\n"
            "exten => i,1,Playback(${SOUNDS}/ivr-invalid)\n same => n,Goto(retry,1)\n"
            "exten => t,1,Goto(retry,1)\n"
            "exten => retry,1,Set(IVR_TRIES=$[${IVR_TRIES} + 1])\n"
            " same => n,GotoIf($[${IVR_TRIES} < 2]?s,menu)\n"
            f" same => n,Set(__SATURATED_QUEUE={s}-sales)\n"
            f" same => n,GotoIf($[${{QUEUE_MEMBER({s}-sales,logged)}} = 0]?t-{s}-saturated,message,1)\n"
            f" same => n,Queue({s}-sales,t,,,60)\n same => n,Goto(t-{s}-saturated,message,1)\n"
            "exten => closed,1,Answer()\n same => n,Playback(${SOUNDS}/ferme)\n"
            f" same => n,Set(__SATURATED_QUEUE={s}-sales)\n same => n,Goto(t-{s}-saturated,message,1)\n") in text
    assert (f"[t-{s}-saturated]\n"                  # no agent took the call: a message, or (campaigns) a callback
            "exten => s,1,NoOp(No agent for ${SATURATED_QUEUE}: QUEUESTATUS=${QUEUESTATUS})\n"
            " same => n,Set(TIMEOUT(response)=6)\n same => n,Background(${SOUNDS}/saturation)\n"
            " same => n,WaitExten(6)\n"
            "exten => 1,1,Goto(message,1)\n"
            "exten => 2,1,UserEvent(CallbackRequest,Queue: ${SATURATED_QUEUE})\n"
            " same => n,Playback(${SOUNDS}/callback-confirmed)\n same => n,Hangup()\n"
            "exten => i,1,Goto(message,1)\nexten => t,1,Goto(message,1)\n"
            "exten => message,1,Answer()\n same => n,UserEvent(Voicemail,Queue: ${SATURATED_QUEUE})\n"
            " same => n,Playback(${SOUNDS}/leave-message)\n"
            " same => n,Record(${MONITOR_DIR}/vm-${UNIQUEID}.wav,3,120,k)\n same => n,Hangup()\n") in text


def test_menus_belong_to_their_tenant_and_agents_cannot_design(supervisor):
    assert menu(supervisor) == {}
    other = context_for(new_tenant(), Role.SUPERVISOR)
    assert list_menus(other) == []
    assert "n'existe pas" in menu(other, options=[{"digit": "1", "action": "menu",
                                                    "target": str(menu_id(supervisor, "Accueil"))}])["options"]
    agent = context_for(new_tenant(), Role.AGENT)
    with pytest.raises(AccessDenied):
        list_menus(agent)
    with pytest.raises(AccessDenied):
        menu(agent)
