"""The simulator's reading of the lines the product writes (an IVR menu): extensions, labels, `$[...]`
and GotoIfTime's time specification with its `&` lists and time zone, as Asterisk reads them."""
import datetime

from services.sandbox.pbx.dialplan_lines import Line, evaluate, in_time, read_dialplan

THURSDAY_0724_UTC = datetime.datetime(2026, 11, 26, 7, 24, tzinfo=datetime.timezone.utc).timestamp()


def test_the_includes_own_contexts_are_read_but_not_the_templates_flows(tmp_path):
    (tmp_path / "extensions.d").mkdir()
    (tmp_path / "extensions.d" / "acme.conf").write_text(
        "[t-acme-agents]\nexten => _2XXX,1,Dial(PJSIP/acme-${EXTEN},30)\n"
        "[from-carrier](+)\nexten => +237699000001,1,Set(__DID_LABEL=Accueil) ; comment\n"
        " same => n,Goto(t-acme-ivr-3,s,1)\n"
        "[t-acme-ivr-3]\nexten => s,1,NoOp(IVR menu 3)\n same => n(menu),Background(${SOUNDS}/accueil)\n"
        "exten => 2,1,Queue(acme-sales,t,,,${QTIMEOUT})\n")
    plan = read_dialplan(tmp_path)
    assert set(plan) == {"from-carrier", "t-acme-ivr-3"}
    assert plan["from-carrier"]["+237699000001"] == [Line("", "Set", "__DID_LABEL=Accueil"),
                                                     Line("", "Goto", "t-acme-ivr-3,s,1")]
    assert plan["t-acme-ivr-3"]["s"][1] == Line("menu", "Background", "${SOUNDS}/accueil")
    assert plan["t-acme-ivr-3"]["2"] == [Line("", "Queue", "acme-sales,t,,,${QTIMEOUT}")]


def test_expressions_and_time_conditions():
    assert evaluate("1 + 1") == "2" and evaluate("2 < 3") == "1" and evaluate("3 < 3") == "0"
    assert in_time(["08:00-18:00", "mon&tue&wed&thu&fri", "*", "*", "Africa/Douala"], THURSDAY_0724_UTC)   # 08:24
    assert not in_time(["08:30-18:00", "mon-fri", "*", "*", "Africa/Douala"], THURSDAY_0724_UTC)
    assert not in_time(["08:00-18:00", "sat&sun", "*", "*", "Africa/Douala"], THURSDAY_0724_UTC)
    assert in_time(["*", "wed-mon", "*", "*"], THURSDAY_0724_UTC)               # ranges across the week's end
    assert not in_time(["*", "fri-tue", "*", "*"], THURSDAY_0724_UTC)
