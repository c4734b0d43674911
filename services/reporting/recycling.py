"""Recycling (UC-CP-06): re-queue the contacts whose last touch ended a chosen way — busy,
no answer, answering machine, a failed message, chosen qualification codes — as the next
step of the same slot in the campaign, with a preview of how many will be re-tried.

Only each contact's latest outbound touch per slot counts (a contact already re-tried is
not re-queued twice; a qualification code's message, services/messaging/qualification_actions.py,
is no touch of the sequence); blacklisted addresses are never recycled; the new attempts go
through the campaign-touch unique index (ON CONFLICT DO NOTHING), like the sequencer's.

Recycling into a NEW campaign copies the same candidates' contact records into a new list
(« Recyclage — <campagne> », ready at once) and creates a Brouillon with the source's
configuration aimed at that list only: launched, its sequencer queues exactly them.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, delete, exists, false, func, literal, literal_column, or_, select
from sqlalchemy.dialects.postgresql import distinct_on, insert

from services.audience.partitions import attach_list_table, create_list_table, drop_list_table
from services.messaging.qualification_actions import ACTION_STEP
from services.models.audience import ContactList, ContactRecord, ListStatus, OptOut
from services.models.campaigns import Campaign
from services.models.columns import utcnow
from services.models.interactions import Direction, FailureClass, InteractionStatus as S
from services.reporting.journal import OUTCOME_LABELS
from services.reporting.scope import T, report_scope

CALL_OUTCOMES = {key: OUTCOME_LABELS[key] for key in ("busy", "no-answer", "machine")}


@dataclass(frozen=True)
class RecycleRule:
    outcomes: tuple[str, ...] = ()  # keys of CALL_OUTCOMES
    failed_messages: bool = False
    codes: tuple[str, ...] = ()

    def matches(self, row):
        clauses = []
        if self.outcomes:
            clauses.append(row.c.outcome.in_(self.outcomes))
        if self.failed_messages:
            clauses.append(and_(row.c.status == S.FAILED.value,
                                row.c.failure_class != FailureClass.BLACKLIST.value))
        if self.codes:
            clauses.append(row.c.qualification.in_(self.codes))
        return or_(*clauses) if clauses else false()


def _candidates(campaign_id: int, rule: RecycleRule):
    """The latest outbound touch per (contact, slot) that matches, address not blacklisted."""
    i = T.c
    latest = (select(T).where(i.campaign_id == campaign_id, i.direction == Direction.OUT.value,
                              i.contact_id.isnot(None), i.step != ACTION_STEP)
              .ext(distinct_on(i.contact_id, i.slot))
              .order_by(i.contact_id, i.slot, i.step.desc(), i.id.desc())).subquery("latest")
    o = OptOut.__table__.c
    blacklisted = exists().where(or_(o.phone == latest.c.address,
                                     o.email == func.lower(latest.c.address)))
    return select(latest).where(rule.matches(latest), ~blacklisted).subquery("candidate")


def recycle_preview(ctx, campaign_id: int, rule: RecycleRule) -> int:
    """How many contacts a recycle with this rule would re-try now."""
    with report_scope(ctx, campaign_id) as (session, _):
        candidate = _candidates(campaign_id, rule)
        return int(session.execute(select(func.count(func.distinct(candidate.c.contact_id)))
                                   ).scalar())


def recycle(ctx, campaign_id: int, rule: RecycleRule) -> int:
    """Queue the next step for each candidate; the number of attempts queued."""
    with report_scope(ctx, campaign_id) as (session, _):
        c = _candidates(campaign_id, rule).c
        now = func.now()
        rows = select(c.channel, c.direction, c.campaign_id, c.campaign_version, c.contact_id,
                      c.list_id, c.address, c.sender, c.slot, c.step + 1,
                      literal(S.QUEUED.value), now, now, now)
        statement = insert(T).from_select(
            ["channel", "direction", "campaign_id", "campaign_version", "contact_id", "list_id",
             "address", "sender", "slot", "step", "status", "queued_at",
             "next_try_at", "updated_at"], rows,
        ).on_conflict_do_nothing(
            index_elements=["campaign_id", "contact_id", "slot", "step"],
            index_where=and_(T.c.campaign_id.is_not(None),
                             T.c.direction == literal_column(f"'{Direction.OUT.value}'")),
        ).returning(T.c.id)
        return len(session.execute(statement).all())


class RecycleError(ValueError):
    pass


def _copy_contacts(session, campaign_id: int, rule: RecycleRule, name: str,
                   user_id) -> tuple[int, int]:
    """(new list id, contacts copied) — the candidates' records, each once, in a ready list."""
    contacts = select(func.distinct(_candidates(campaign_id, rule).c.contact_id))
    target = ContactList(name=name[:200], source_kind="recyclage",
                         source_label=f"Recyclage de la campagne n° {campaign_id}",
                         status=ListStatus.PRETE.value, created_by=user_id, finished_at=utcnow())
    session.add(target)
    session.flush()
    create_list_table(session, target.id)  # a list's contacts live in its own partition
    attach_list_table(session, target.id)
    c = ContactRecord.__table__.c
    copied = ["nom", "prenom", "telephone", "email", "identifiant", "extra", "name_key",
              "name_key_rev"]
    rows = select(literal(target.id), func.row_number().over(order_by=c.id),
                  *[c[k] for k in copied]).where(c.id.in_(contacts))
    count = len(session.execute(insert(ContactRecord.__table__).from_select(
        ["list_id", "line", *copied], rows).returning(c.id)).all())
    target.total = target.accepted = target.expected_rows = target.processed_rows = count
    session.add(target)
    return target.id, count


def recycle_into_new_campaign(ctx, campaign_id: int, rule: RecycleRule,
                              name: str) -> tuple[int, int]:
    """(new campaign id, contacts in it): a Brouillon copying the campaign's configuration,
    whose only list holds the contacts this rule recycles."""
    from services.campaigns.lifecycle import create_campaign

    name = " ".join((name or "").split())
    if not name:
        raise RecycleError("Donnez un nom à la nouvelle campagne.")
    if len(name) > 200:
        raise RecycleError("Le nom de la campagne dépasse 200 caractères.")
    with report_scope(ctx, campaign_id) as (session, scope):
        config = dict(session.get(Campaign, campaign_id).config or {})
        list_id, count = _copy_contacts(session, campaign_id, rule, f"Recyclage — {scope.title}",
                                        ctx.user_id)
        if not count:
            raise RecycleError("Aucun contact à recycler avec ces critères.")
    try:
        campaign = create_campaign(ctx, {**config, "name": name, "lists": [list_id]})
    except BaseException:
        with report_scope(ctx, campaign_id) as (session, _):
            drop_list_table(session, list_id)
            session.execute(delete(ContactList.__table__)
                            .where(ContactList.__table__.c.id == list_id))
        raise
    return campaign.id, count
