"""The signed-in user of a browser tab, and the server-side checks every page uses."""
from __future__ import annotations

import reflex as rx

from bgotocall.session_cookie import hand_over, leave, local_page, session_token
from services.identity.access import AuthContext, can_access, home_of
from services.identity.audit import record_refusal
from services.onboarding.hosts import host_scope, log_in_at_host
from services.identity.sessions import close_session, resolve_session
from services.live import subscribe, supervision_topic, tenant_topic, user_topic

LOGIN_PAGE = "/connexion"
FORBIDDEN_PAGE = "/interdit"
CAMPAIGNS_PAGE = "/campagnes"


class SessionState(rx.State):
    lang: str = rx.LocalStorage("fr", name="bgc_lang")
    user_name: str = ""
    user_email: str = ""
    role: str = ""
    tenant_name: str = ""
    home: str = LOGIN_PAGE
    login_error: str = ""
    login_tenant: str = ""  # the tenant whose subdomain serves the login page
    login_busy: bool = False

    # --- checks used by every page and handler -------------------------------------
    def _session_token(self) -> str:
        """From the HttpOnly cookie, as the browser sent it when this page's websocket opened."""
        return session_token(self.router.headers.cookie)

    def _context(self) -> AuthContext | None:
        return resolve_session(self._session_token(), self.router.session.client_ip)

    def _authorize(self, area: str, action: str) -> AuthContext | None:
        """The caller's context when its role may do `action` in `area`; else None, logged."""
        ctx = self._context()
        if ctx is None or not can_access(ctx, area):
            record_refusal(ctx, area, action, self.router.session.client_ip)
            return None
        return ctx

    def _show(self, ctx: AuthContext | None) -> None:
        self.user_name = ctx.full_name if ctx else ""
        self.user_email = ctx.email if ctx else ""
        self.role = ctx.role.value if ctx else ""
        self.tenant_name = (ctx.tenant_name or "BIAR GROUP") if ctx else ""
        self.home = home_of(ctx) if ctx else LOGIN_PAGE

    def _enter(self, area: str):
        ctx = self._context()
        self._show(ctx)
        if ctx is None:
            return rx.redirect(LOGIN_PAGE)
        if not can_access(ctx, area):
            record_refusal(ctx, area, f"open page {self.router.url.path}",
                           self.router.session.client_ip)
            return rx.redirect(FORBIDDEN_PAGE)
        self._listen_live(ctx)
        return None

    def _enter_campaign_page(self) -> tuple[int, object]:
        """A campaign's own page (its ?id=): (the id, None) when the caller may open it, else
        (0, the redirect: the login, the refusal page, or back to the campaign list)."""
        redirect = self._enter("campaigns")
        if redirect:
            return 0, redirect
        try:
            return int(self.router.url.query_parameters.get("id", "0")), None
        except ValueError:
            return 0, rx.redirect(CAMPAIGNS_PAGE)

    def _listen_live(self, ctx: AuthContext) -> None:
        """This tab receives live events for its user and its tenant, and the supervision's if it may."""
        topics = [user_topic(ctx.tenant_id, ctx.user_id)]
        if ctx.tenant_id:
            topics.append(tenant_topic(ctx.tenant_id))
            if can_access(ctx, "supervision"):
                topics.append(supervision_topic(ctx.tenant_id))
        subscribe(self.router.session.client_token, topics)

    # --- page guards (on_load) ----------------------------------------------------------
    @rx.event
    def enter_platform(self):
        return self._enter("platform")

    @rx.event
    def enter_billing(self):
        return self._enter("billing")

    @rx.event
    def enter_tenant_settings(self):
        return self._enter("tenant_settings")

    @rx.event
    def enter_supervision(self):
        return self._enter("supervision")

    @rx.event
    def enter_agent_panel(self):
        return self._enter("agent_panel")

    @rx.event
    def enter_any(self):
        """Pages every signed-in user may see (the refusal page)."""
        ctx = self._context()
        self._show(ctx)
        return None if ctx else rx.redirect(LOGIN_PAGE)

    @rx.event
    def go_home(self):
        """The root page: the role's home, or the page a login was heading to (`suite`)."""
        ctx = self._context()
        self._show(ctx)
        heading_to = local_page(self.router.url.query_parameters.get("suite", "/"))
        return rx.redirect(heading_to if ctx and heading_to != "/" else self.home)

    @rx.event
    def leave_login_page_if_signed_in(self):
        ctx = self._context()
        self._show(ctx)
        self.login_error = ""
        self.login_tenant = host_scope(self.router.headers.host).tenant_name
        return rx.redirect(self.home) if ctx else None

    # --- actions ------------------------------------------------------------------------------
    @rx.event
    def log_in(self, form: dict):
        result = log_in_at_host(self.router.headers.host, str(form.get("email", "")),
                                str(form.get("password", "")), self.router.session.client_ip,
                                previous_token=self._session_token())
        if result.error:
            self.login_error = result.error
            return None
        self.login_error = ""
        self._show(result.context)
        if self.lang == "fr" and result.context.language == "en":
            self.lang = "en"
        return hand_over(result.token, self.home)

    @rx.event
    def log_out(self):
        close_session(self._session_token())
        self._show(None)
        return leave()

    @rx.event
    def set_language(self, lang: str | list[str]):
        self.lang = "en" if lang == "en" else "fr"
