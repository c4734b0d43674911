"""The interaction journal of a campaign (UC-CP-06 B): one row per touch, filtered, sorted,
paged — and the same columns, chosen by the user, for the exports.

Each column is one SQL expression giving text as the page shows it (dates in the campaign's
zone, French statuses), so the page, the CSV (PostgreSQL COPY) and the XLSX read one
definition. Filters hit the (campaign, agent | code, time) indexes of t0008_reports.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import String, and_, case, cast, func, literal, select

from services.models.audience import ContactRecord
from services.models.interactions import Channel, InteractionStatus as S
from services.models.platform import User
from services.reporting.periods import period
from services.reporting.breakdowns import agent_names
from services.reporting.scope import COMMENT_KEY, I, T, Scope, report_scope

PAGE_SIZES = (25, 50, 100)
STATUS_LABELS = {
    S.QUEUED.value: "En attente", S.SENDING.value: "En cours d'envoi", S.SENT.value: "Envoyé",
    S.DELIVERED.value: "Délivré", S.READ.value: "Lu", S.CLICKED.value: "Cliqué",
    S.FAILED.value: "Échec", S.CANCELLED.value: "Annulé", S.RECEIVED.value: "Reçu",
    S.RINGING.value: "Sonnerie", S.ANSWERED.value: "En communication", S.ENDED.value: "Terminé",
    S.WRAPPED_UP.value: "Qualifié",
}
CHANNEL_LABELS = {Channel.VOIX.value: "Voix", Channel.SMS.value: "SMS",
                  Channel.EMAIL.value: "Email", Channel.WHATSAPP.value: "WhatsApp"}
# what the PBX or the provider said, as the journal shows it
OUTCOME_LABELS = {"busy": "Occupé", "no-answer": "Pas de réponse", "machine": "Répondeur",
                  "failed": "Échec", "invalid": "Numéro invalide", "delivered": "Délivré",
                  "undelivered": "Non délivré", "sent": "Envoyé", "read": "Lu"}
FORM_PREFIX = "form:"
C = ContactRecord.__table__.c
U = User.__table__.c


class JournalError(ValueError):
    pass


@dataclass(frozen=True)
class JournalFilter:
    first_day: date | None = None
    last_day: date | None = None
    agent_id: int | None = None
    code: str = ""
    channel: str = ""
    status: str = ""
    contact_id: int | None = None  # one contact's history across channels

    def as_dict(self) -> dict:
        return {"first_day": self.first_day.isoformat() if self.first_day else None,
                "last_day": self.last_day.isoformat() if self.last_day else None,
                "agent_id": self.agent_id, "code": self.code, "channel": self.channel,
                "status": self.status, "contact_id": self.contact_id}

    @classmethod
    def from_dict(cls, data: dict) -> "JournalFilter":
        days = {k: date.fromisoformat(data[k]) if data.get(k) else None
                for k in ("first_day", "last_day")}
        return cls(**days, agent_id=data.get("agent_id"), code=data.get("code") or "",
                   channel=data.get("channel") or "", status=data.get("status") or "",
                   contact_id=data.get("contact_id"))

    def where(self, scope: Scope):
        clauses = [scope.where()]
        if self.first_day or self.last_day:
            first = self.first_day or self.last_day
            clauses.append(scope.where(period("custom", scope.zone, first_day=first,
                                              last_day=self.last_day or first)))
        if self.agent_id is not None:
            clauses.append(I.agent_id == self.agent_id)
        if self.code:
            clauses.append(I.qualification == self.code)
        if self.channel:
            clauses.append(I.channel == self.channel)
        if self.status:
            clauses.append(I.status == self.status)
        if self.contact_id is not None:
            clauses.append(I.contact_id == self.contact_id)
        return and_(*clauses)


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    expr: object  # SQL text expression
    sort: object = None  # typed expression to sort on, when sortable
    typed_in: bool = True  # text someone typed (names, comments...): may look like a formula


def _label(column, labels: dict[str, str]):
    return case(labels, value=column, else_=column)


def _seconds(later, earlier):
    return func.round(func.extract("epoch", later - earlier))


MESSAGE_EXCERPT = 160  # a message's text in the journal (SMS, conversation answers)


def columns_of(scope: Scope) -> list[Column]:
    """Every column the journal and the exports offer, the form's answers last."""
    local = func.timezone(scope.zone, I.queued_at)
    duration = _seconds(I.ended_at, I.answered_at)
    standard = [
        Column("date", "Date", func.to_char(local, "DD/MM/YYYY HH24:MI:SS"), I.queued_at,
               typed_in=False),
        Column("canal", "Canal", _label(I.channel, CHANNEL_LABELS), I.channel, typed_in=False),
        Column("sens", "Sens", case({"IN": "Entrant"}, value=I.direction, else_="Sortant"),
               typed_in=False),
        Column("message", "Message", func.left(I.body, MESSAGE_EXCERPT)),
        Column("contact", "Contact", func.trim(func.coalesce(C.nom, "") + literal(" ")
                                               + func.coalesce(C.prenom, ""))),
        Column("coordonnees", "Coordonnées", I.address),
        Column("agent", "Agent", func.coalesce(U.full_name, ""), U.full_name),
        Column("statut", "Statut", _label(I.status, STATUS_LABELS), I.status, typed_in=False),
        Column("resultat", "Résultat", _label(I.outcome, OUTCOME_LABELS)),
        Column("qualification", "Qualification", I.qualification, I.qualification),
        Column("duree", "Durée (s)", func.coalesce(cast(duration, String), ""), duration,
               typed_in=False),
        Column("motif", "Motif d'échec", I.failure_reason),
        Column("cout", "Coût", cast(I.cost_amount, String), I.cost_amount, typed_in=False),
        Column("devise", "Devise", I.cost_currency, typed_in=False),
        Column("commentaire", "Commentaire",
               func.coalesce(I.form_answers[COMMENT_KEY].astext, "")),
        Column("enregistrement", "Enregistrement (s)",
               case((I.recording_url != "", cast(I.recording_seconds, String)), else_=literal("")),
               typed_in=False),
    ]
    answers = [Column(FORM_PREFIX + key, label,
                      func.coalesce(I.form_answers[key].astext, ""))
               for key, label in scope.form_fields]
    return standard + answers


JOURNAL_KEYS = ("date", "canal", "sens", "message", "contact", "coordonnees", "agent", "statut",
                "resultat", "qualification", "duree", "motif", "enregistrement")


def chosen(scope: Scope, keys) -> list[Column]:
    catalogue = {c.key: c for c in columns_of(scope)}
    unknown = [k for k in keys if k not in catalogue]
    if unknown or not keys:
        raise JournalError("Choisissez au moins une colonne parmi celles proposées.")
    return [catalogue[k] for k in keys]


def rows_query(scope: Scope, columns: list[Column], filters: JournalFilter,
               sort: str = "date", descending: bool = True, with_id: bool = True,
               cell=lambda expr: expr):
    """SELECT [id,] the columns' texts FROM the campaign's interactions, filtered and sorted;
    `cell` wraps the expression of each column someone typed (the exports escape formulas
    there; dates, statuses and numbers the product writes never start with = + - @)."""
    sort_column = {c.key: c.sort for c in columns_of(scope) if c.sort is not None}.get(sort)
    if sort_column is None:
        raise JournalError("Tri impossible sur cette colonne.")
    order = sort_column.desc().nulls_last() if descending else sort_column.asc().nulls_first()
    cells = [(cell(c.expr) if c.typed_in else c.expr).label(c.key) for c in columns]
    return (select(*([I.id] if with_id else []), *cells)
            .select_from(T.outerjoin(ContactRecord.__table__,
                                     and_(C.id == I.contact_id, C.list_id == I.list_id))
                         .outerjoin(User.__table__, U.id == I.agent_id))
            .where(filters.where(scope))
            .order_by(order, I.id.desc() if descending else I.id.asc()))


@dataclass
class JournalPage:
    columns: list[tuple[str, str]]  # (key, label)
    rows: list[dict]  # {"id": .., key: text}
    total: int
    page: int
    size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))


def journal_page(ctx, campaign_id: int, filters: JournalFilter, sort: str = "date",
                 descending: bool = True, page: int = 1, size: int = 50) -> JournalPage:
    size = size if size in PAGE_SIZES else PAGE_SIZES[1]
    with report_scope(ctx, campaign_id) as (session, scope):
        columns = chosen(scope, JOURNAL_KEYS)
        total = session.execute(select(func.count()).select_from(T)
                                .where(filters.where(scope))).scalar()
        page = max(1, min(page, max(1, -(-total // size))))
        query = rows_query(scope, columns, filters, sort, descending)
        rows = [dict(r) for r in session.execute(
            query.limit(size).offset((page - 1) * size)).mappings()]
        return JournalPage([(c.key, c.label) for c in columns], rows, total, page, size)


def filter_choices(session, scope: Scope) -> tuple[list[str], list[tuple[int, str]]]:
    """The codes and agents the journal's filters offer: those of the campaign, any time."""
    codes = session.execute(select(I.qualification).distinct()
                            .where(scope.where(), I.qualification != "")
                            .order_by(I.qualification)).scalars().all()
    agent_ids = session.execute(select(I.agent_id).distinct()
                                .where(scope.where(), I.agent_id.isnot(None))).scalars()
    return list(codes), sorted(agent_names(agent_ids).items(), key=lambda a: a[1])


def export_columns(ctx, campaign_id: int) -> list[tuple[str, str]]:
    """(key, label) of every column an export may hold, for the column picker."""
    with report_scope(ctx, campaign_id) as (_, scope):
        return [(c.key, c.label) for c in columns_of(scope)]
