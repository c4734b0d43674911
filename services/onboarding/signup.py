"""Sign-up (UC-ADM-01): company profile, credentials, an emailed token, then the tenant.

The tenant is created at validation of the token, with status PENDING_PAYMENT, its
storage folder, an empty Smart Wallet and its provisioning plan; its schema comes after
payment (UC-SA-01).
"""
from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import func
from sqlmodel import select

from services.billing.money import CURRENCIES
from services.billing.wallet import open_wallet
from services.db.engine import platform_session
from services.db.tenancy import schema_for_slug
from services.identity.access import AuthContext
from services.identity.login import normalise_email
from services.identity.passwords import password_problems
from services.identity.passwords import hash_password
from services.identity.sessions import open_session
from services.identity.tokens import new_token, token_hash
from services.messaging.email import send_email
from services.models.billing import Signup
from services.models.columns import utcnow
from services.models.platform import Role, Tenant, TenantStatus, User
from services.onboarding.options import FREE_MAIL, set_platform_switch, switch_is_on
from services.onboarding.provisioning import plan_provisioning, prepare_storage
from services.providers.email import EmailMessage
from services.settings import get_settings

COUNTRIES = {"CM": "Cameroun", "CI": "Côte d'Ivoire", "SN": "Sénégal", "FR": "France",
             "BE": "Belgique", "DZ": "Algérie", "MA": "Maroc", "TN": "Tunisie"}
FREE_MAIL_DOMAINS = frozenset("""gmail.com googlemail.com yahoo.com yahoo.fr ymail.com
hotmail.com hotmail.fr live.com live.fr outlook.com outlook.fr msn.com icloud.com me.com
aol.com gmx.com gmx.fr mail.com proton.me protonmail.com laposte.net orange.fr wanadoo.fr
free.fr sfr.fr yandex.com yandex.ru zoho.com""".split())
FREE_MAIL_OPTION = FREE_MAIL
RESERVED_SLUGS = {"www", "api", "app", "admin", "mail", "static", "plateforme", "sandbox"}
TOKEN_HOURS = 48
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$")
INVALID_TOKEN = "Ce lien de vérification est invalide, expiré ou déjà utilisé."


@dataclass
class SignupResult:
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class Verified:
    session_token: str
    tenant_id: int


def free_mail_allowed() -> bool:
    return switch_is_on(FREE_MAIL_OPTION)


def allow_free_mail(ctx: AuthContext, allowed: bool) -> None:
    set_platform_switch(ctx, FREE_MAIL_OPTION, allowed)


def _email_taken(email: str) -> bool:
    with platform_session() as s:
        return s.exec(select(User.id).where(User.email == email)).first() is not None


def register_signup(company_name: str, country: str, currency: str, full_name: str,
                    email: str, password: str, confirm: str) -> SignupResult:
    """Check the whole form; when it is fine, email the verification link. Every error at once,
    by field, so the person fixes them in one go."""
    company_name, full_name = company_name.strip(), full_name.strip()
    email, country, currency = normalise_email(email), country.upper(), currency.upper()
    errors: dict[str, str] = {}
    if len(company_name) < 2:
        errors["company_name"] = "Indiquez le nom de votre entreprise."
    if country not in COUNTRIES:
        errors["country"] = "Choisissez votre pays."
    if currency not in CURRENCIES:
        errors["currency"] = "Choisissez votre devise."
    if len(full_name) < 2:
        errors["full_name"] = "Indiquez votre nom complet."
    if not _EMAIL.match(email):
        errors["email"] = "Saisissez une adresse email valide."
    elif email.rsplit("@", 1)[1] in FREE_MAIL_DOMAINS and not free_mail_allowed():
        errors["email"] = ("Utilisez votre adresse email professionnelle : les messageries "
                           "gratuites (Gmail, Yahoo, Outlook...) ne sont pas acceptées.")
    elif _email_taken(email):
        errors["email"] = "Cette adresse est déjà inscrite. Connectez-vous ou utilisez « Mot de passe oublié ? »."
    problems = password_problems(password)
    if problems:
        errors["password"] = "Mot de passe : " + " ".join(problems)
    if confirm != password:
        errors["confirm"] = "Les deux mots de passe ne sont pas identiques."
    if errors:
        return SignupResult(errors)
    token = new_token()
    with platform_session() as s:
        s.add(Signup(email=email, full_name=full_name, company_name=company_name,
                     country=country, currency=currency, password_hash=hash_password(password),
                     token_hash=token_hash(token),
                     expires_at=utcnow() + timedelta(hours=TOKEN_HOURS)))
    link = f"{get_settings().public_url}/inscription/verifier?token={token}"
    send_email(verification_email(email, full_name, company_name, link, token))
    return SignupResult()


def verification_email(email: str, full_name: str, company_name: str, link: str,
                       token: str) -> EmailMessage:
    """The email of the link: plain text, and HTML where the link is a button to click."""
    e = html.escape
    text = (f"Bonjour {full_name},\n\nPour confirmer votre adresse et créer l'instance "
            f"{company_name}, ouvrez ce lien (valable {TOKEN_HOURS} heures) :\n{link}\n\n"
            f"Votre code de vérification : {token}\n\n"
            "Si vous n'êtes pas à l'origine de cette demande, ignorez cet email.")
    body = (f"<p>Bonjour {e(full_name)},</p>"
            f"<p>Pour confirmer votre adresse et créer l'instance <b>{e(company_name)}</b>, cliquez sur "
            f"le bouton ci-dessous (lien valable {TOKEN_HOURS} heures) :</p>"
            f'<p><a href="{e(link)}" style="display:inline-block;padding:12px 20px;background:#3e63dd;'
            f'color:#ffffff;border-radius:6px;text-decoration:none;font-weight:bold">'
            f"Vérifier mon adresse</a></p>"
            f'<p>Ou ouvrez ce lien : <a href="{e(link)}">{e(link)}</a></p>'
            f"<p>Votre code de vérification : <b>{e(token)}</b></p>"
            "<p style=\"color:#6b7280\">Si vous n'êtes pas à l'origine de cette demande, ignorez cet email.</p>")
    return EmailMessage(
        to=email, subject="Vérifiez votre adresse pour créer votre instance B-GOTOCALL", text=text,
        html=f'<!doctype html><html><body style="font-family:Helvetica,Arial,sans-serif;color:#1f2937">'
             f"{body}</body></html>",
        tags={"kind": "signup_verification"})


def slug_for(company_name: str) -> str:
    """A free subdomain label made from the company name ('Démo SARL' -> 'demo-sarl')."""
    ascii_name = unicodedata.normalize("NFKD", company_name).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:30].strip("-")
    if not base or not base[0].isalpha():
        base = ("c-" + base).strip("-")
    base = base if len(base) >= 3 else base + "-bgc"
    with platform_session() as s:
        taken = set(s.exec(select(Tenant.slug).where(
            (Tenant.slug == base) | Tenant.slug.like(f"{base}-%"))).all())
    slug, n = base, 1
    while slug in taken or slug in RESERVED_SLUGS:
        n += 1
        slug = f"{base}-{n}"
    return slug


def verify_signup(token: str, client_ip: str = "") -> Verified | None:
    """Validate the token once: create the tenant (PENDING_PAYMENT), its admin, its wallet
    and storage; return a session for the new admin. None when the token is not valid."""
    if not token:
        return None
    with platform_session() as s:
        signup = s.exec(select(Signup).where(Signup.token_hash == token_hash(token))
                        .with_for_update()).first()
        if signup is None or signup.verified_at or signup.expires_at <= utcnow():
            return None
        if s.exec(select(func.count()).select_from(User).where(User.email == signup.email)).one():
            return None
        slug = slug_for(signup.company_name)
        tenant = Tenant(slug=slug, name=signup.company_name, country=signup.country,
                        currency=signup.currency, status=TenantStatus.PENDING_PAYMENT.value,
                        schema_name=schema_for_slug(slug))
        s.add(tenant)
        s.flush()
        user = User(email=signup.email, password_hash=signup.password_hash,
                    full_name=signup.full_name, role=Role.ADMIN.value, tenant_id=tenant.id)
        s.add(user)
        signup.verified_at, signup.tenant_id = utcnow(), tenant.id
        s.add(signup)
        open_wallet(s, tenant.id, tenant.currency)
        plan_provisioning(s, tenant.id)
        s.flush()
        user_id, tenant_id = user.id, tenant.id
    prepare_storage(slug)
    return Verified(open_session(user_id, client_ip), tenant_id)
