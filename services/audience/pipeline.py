"""UC-CP-06 steps A-C end to end: rows in, accepted contacts out in batches, a summary.

The same function serves the preview of step D (no on_batch: only the counts) and the
import worker (on_batch copies each batch into the tenant's contacts table).
"""

from typing import Callable

from services.audience.cleaning import (
    Blacklist, CleaningRules, Contact, ContactGate, ImportSummary, Rejection, check_rules,
    clean_rows,
)
from services.audience.mapping import ColumnMapping, validate_mapping
from services.audience.readers import Table

BATCH_SIZE = 5_000

OnBatch = Callable[[list[Contact]], None]
OnRejected = Callable[[Rejection], None]


def import_contacts(
    table: Table,
    mapping: ColumnMapping,
    rules: CleaningRules,
    blacklist: Blacklist = Blacklist(),
    *,
    on_batch: OnBatch | None = None,
    on_rejected: OnRejected | None = None,
    batch_size: int = BATCH_SIZE,
) -> ImportSummary:
    """Clean every row of `table`; accepted contacts reach `on_batch` in file order.

    Raises ValueError for a mapping the UI should not have let through, and ImportFileError
    (from the reader) for a file that turns out unreadable midway: the caller then rolls
    back what on_batch wrote, in the same transaction.
    """
    # Which custom fields the tenant has is the UI's check; here any name is one.
    problems = validate_mapping(mapping, table.columns, custom_fields=mapping) + check_rules(rules, mapping)
    if problems:
        raise ValueError(" ".join(problems))
    gate = ContactGate(rules, blacklist)
    batch: list[Contact] = []
    for verdict in clean_rows(table.rows, mapping, rules, gate):
        if isinstance(verdict, Contact):
            batch.append(verdict)
            if len(batch) >= batch_size:
                _deliver(on_batch, batch)
                batch = []
        elif on_rejected is not None:
            on_rejected(verdict)
    if batch:
        _deliver(on_batch, batch)
    return gate.summary


def _deliver(on_batch: OnBatch | None, batch: list[Contact]) -> None:
    if on_batch is not None:
        on_batch(batch)
