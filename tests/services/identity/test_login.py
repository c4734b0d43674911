from concurrent.futures import ThreadPoolExecutor

from sqlmodel import select

from services.db.engine import platform_session
from services.identity.login import WRONG_CREDENTIALS, log_in
from services.models.platform import Role, SecurityEvent, User
from tests.support.accounts import PASSWORD, new_tenant, new_user


def test_login_gives_a_session_of_the_users_tenant_and_role():
    tenant = new_tenant()
    email = new_user(tenant, Role.SUPERVISOR)
    result = log_in(f"  {email.upper()} ", PASSWORD, "10.0.0.1")
    assert result.error == ""
    assert result.token
    assert result.context.role is Role.SUPERVISOR
    assert result.context.tenant_schema == tenant.schema_name


def test_wrong_password_and_unknown_account_get_the_same_answer():
    email = new_user(new_tenant(), Role.AGENT)
    assert log_in(email, "Wrong-password-1", "10.0.0.2").error == WRONG_CREDENTIALS
    assert log_in("nobody@example-corp.cm", PASSWORD, "10.0.0.2").error == WRONG_CREDENTIALS
    with platform_session() as s:
        kinds = [e.kind for e in s.exec(select(SecurityEvent)
                                        .where(SecurityEvent.client_ip == "10.0.0.2"))]
    assert kinds.count("login_failed") == 2


def test_disabled_account_cannot_log_in():
    email = new_user(new_tenant(), Role.AGENT)
    with platform_session() as s:
        user = s.exec(select(User).where(User.email == email)).one()
        user.is_active = False
        s.add(user)
    assert log_in(email, PASSWORD, "10.0.0.3").error == WRONG_CREDENTIALS


def test_repeated_failures_throttle_the_account_even_with_the_right_password():
    email = new_user(new_tenant(), Role.AGENT)
    for attempt in range(5):
        assert log_in(email, f"Wrong-{attempt}-Password", f"10.1.0.{attempt}").error \
            == WRONG_CREDENTIALS
    blocked = log_in(email, PASSWORD, "10.1.1.1")
    assert blocked.token == ""
    assert "Trop de tentatives" in blocked.error


def test_repeated_failures_from_one_address_throttle_every_account_from_it():
    tenant = new_tenant()
    for _ in range(20):
        log_in(new_user(tenant, Role.AGENT), "Wrong-password-1", "10.2.0.1")
    other = new_user(tenant, Role.AGENT)
    assert "Trop de tentatives" in log_in(other, PASSWORD, "10.2.0.1").error
    assert log_in(other, PASSWORD, "10.2.0.2").error == ""


def test_a_success_clears_the_account_counter():
    email = new_user(new_tenant(), Role.AGENT)
    for _ in range(4):
        log_in(email, "Wrong-password-1", "10.3.0.1")
    assert log_in(email, PASSWORD, "10.3.0.1").error == ""
    for _ in range(4):
        log_in(email, "Wrong-password-1", "10.3.0.2")
    assert log_in(email, PASSWORD, "10.3.0.3").error == ""


def _in_parallel(attempts: list[tuple[str, str, str]]) -> list[str]:
    with ThreadPoolExecutor(max_workers=len(attempts)) as pool:
        return [r.error for r in pool.map(lambda a: log_in(*a), attempts)]


def test_forty_parallel_wrong_passwords_on_one_account_check_only_five():
    email = new_user(new_tenant(), Role.AGENT)
    errors = _in_parallel([(email, f"Wrong-{i}-Password", f"10.6.{i}.1") for i in range(40)])
    assert errors.count(WRONG_CREDENTIALS) == 5
    assert sum("Trop de tentatives" in e for e in errors) == 35
    with platform_session() as s:
        failed = [e for e in s.exec(select(SecurityEvent).where(SecurityEvent.kind == "login_failed"))
                  if e.detail.get("email") == email]
    assert len(failed) == 5


def test_forty_parallel_wrong_passwords_from_one_address_check_only_twenty():
    tenant = new_tenant()
    accounts = [new_user(tenant, Role.AGENT) for _ in range(40)]
    errors = _in_parallel([(email, "Wrong-password-1", "10.7.0.1") for email in accounts])
    assert errors.count(WRONG_CREDENTIALS) == 20
    assert sum("Trop de tentatives" in e for e in errors) == 20


def test_successful_logins_do_not_use_up_the_address_allowance():
    tenant = new_tenant()
    for _ in range(25):
        assert log_in(new_user(tenant, Role.AGENT), PASSWORD, "10.8.0.1").error == ""
