"""Membership tests against one array parameter (`column = ANY(:values)`) instead of an IN list
of one parameter per value: the statement stays short and the same for every batch size, so
psycopg parses it once instead of on every execution (a 600-value IN list per batch was a tenth
of a sending worker's CPU)."""
from __future__ import annotations

from typing import Iterable

from sqlalchemy import all_, any_, bindparam
from sqlalchemy.dialects.postgresql import ARRAY


def _array(column, values: Iterable):
    return bindparam(None, list(values), type_=ARRAY(column.type))


def any_of(column, values: Iterable):
    """column IN values."""
    return column == any_(_array(column, values))


def none_of(column, values: Iterable):
    """column NOT IN values."""
    return column != all_(_array(column, values))
