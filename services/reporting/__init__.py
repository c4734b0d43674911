"""Reporting (UC-CP-05, UC-CP-06): the figures, journal and exports read from the interactions.

Everything here reads the one interaction table (DESIGN.md 6b) with SQL aggregates; nothing
is cached, so an archived campaign stays as readable as a live one.
"""
