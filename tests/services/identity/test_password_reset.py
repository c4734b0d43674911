"""Password reset through the real worker and the SendGrid twin (the product stack)."""
from datetime import timedelta
from urllib.parse import parse_qs, urlparse

from sqlmodel import select

from services.db.engine import platform_session
from services.identity.login import log_in
from services.identity.password_reset import (
    INVALID_LINK, request_password_reset, reset_password)
from services.identity.sessions import resolve_session
from services.identity.tokens import token_hash
from services.models.columns import utcnow
from services.models.platform import PasswordResetToken, Role
from tests.support.accounts import PASSWORD, new_tenant, new_user
from tests.support.inbox import link_in, messages_to, wait_for_message


def _emailed_token(product, email: str, count: int = 1) -> str:
    message = wait_for_message(product.sandbox_url, email, count)
    assert message["subject"] == "Réinitialisation de votre mot de passe B-GOTOCALL"
    return parse_qs(urlparse(link_in(message)).query)["token"][0]


def test_reset_by_email_sets_the_password_and_ends_old_sessions(product):
    email = new_user(new_tenant(), Role.SUPERVISOR)
    old_session = log_in(email, PASSWORD, "10.5.0.1").token
    request_password_reset(email)
    token = _emailed_token(product, email)

    assert reset_password(token, "Brand-new-pass-2") == []
    assert resolve_session(old_session) is None
    assert log_in(email, PASSWORD, "10.5.0.1").error
    assert log_in(email, "Brand-new-pass-2", "10.5.0.1").token
    assert reset_password(token, "Another-pass-3") == [INVALID_LINK]


def test_weak_password_keeps_the_token_usable(product):
    email = new_user(new_tenant(), Role.AGENT)
    request_password_reset(email)
    token = _emailed_token(product, email)
    assert "Au moins un chiffre." in reset_password(token, "NoDigitsAtAll")
    assert reset_password(token, "Strong-enough-4") == []


def test_expired_or_unknown_tokens_are_refused(product):
    email = new_user(new_tenant(), Role.AGENT)
    request_password_reset(email)
    token = _emailed_token(product, email)
    with platform_session() as s:
        row = s.exec(select(PasswordResetToken)
                     .where(PasswordResetToken.token_hash == token_hash(token))).one()
        row.expires_at = utcnow() - timedelta(seconds=1)
        s.add(row)
    assert reset_password(token, "Strong-enough-4") == [INVALID_LINK]
    assert reset_password("made-up", "Strong-enough-4") == [INVALID_LINK]


def test_unknown_address_gets_no_email(product):
    known = new_user(new_tenant(), Role.AGENT)
    request_password_reset("nobody-here@example-corp.cm")
    request_password_reset(known)
    wait_for_message(product.sandbox_url, known)  # delivered after the unknown one's turn
    assert messages_to(product.sandbox_url, "nobody-here@example-corp.cm") == []


def test_a_new_request_voids_the_older_links(product):
    email = new_user(new_tenant(), Role.ADMIN)
    request_password_reset(email)
    older = _emailed_token(product, email)
    request_password_reset(email)
    newer = _emailed_token(product, email, count=2)
    assert reset_password(newer, "Brand-new-pass-2") == []
    assert reset_password(older, "Attacker-pass-3") == [INVALID_LINK]
    assert log_in(email, "Brand-new-pass-2", "10.5.0.2").token


def test_using_a_link_voids_every_other_outstanding_link(product):
    email = new_user(new_tenant(), Role.ADMIN)
    request_password_reset(email)
    used = _emailed_token(product, email)
    with platform_session() as s:  # a second live link, as the product issued before this fix
        user_id = s.exec(select(PasswordResetToken.user_id)
                         .where(PasswordResetToken.token_hash == token_hash(used))).one()
        s.add(PasswordResetToken(token_hash=token_hash("other-link"), user_id=user_id,
                                 expires_at=utcnow() + timedelta(minutes=30)))
    assert reset_password(used, "Brand-new-pass-2") == []
    assert reset_password("other-link", "Attacker-pass-3") == [INVALID_LINK]
