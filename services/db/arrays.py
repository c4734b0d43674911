"""Batches bound as arrays: membership tests against one array parameter (`column =
ANY(:values)`) instead of an IN list of one parameter per value, whose statement changes with the
batch size and which psycopg parsed again on every execution (a 600-value IN list per batch was a
tenth of a sending worker's CPU); and rows to write given as one array per column."""
from __future__ import annotations

from typing import Iterable

from sqlalchemy import Subquery, all_, any_, bindparam, func, select
from sqlalchemy.dialects.postgresql import ARRAY


def _array(kind, values: Iterable):
    """One parameter holding every value, as an array of `kind` (a column's type)."""
    return bindparam(None, list(values), type_=ARRAY(kind))


def any_of(column, values: Iterable):
    """column IN values."""
    return column == any_(_array(column.type, values))


def none_of(column, values: Iterable):
    """column NOT IN values."""
    return column != all_(_array(column.type, values))


def unnested(name: str, **columns: tuple) -> Subquery:
    """Rows given as one array per column (`column=(type, values)`, all of one length), as a
    table to join: one UPDATE ... FROM or INSERT ... SELECT writes a whole batch, where an
    executemany costs a statement and its parameters' processing per row."""
    return select(*(func.unnest(_array(kind, values)).label(column)
                    for column, (kind, values) in columns.items())).subquery(name)
