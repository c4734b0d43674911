"""Audience: contact-list import (UC-CP-06 steps A-C) and safe CSV exports. No UI, no database.

    table = open_table(path)                                   # A: sniff, then stream rows
    mapping = suggest_mapping(table.columns, custom_fields)    # B: the user reviews it
    errors = validate_mapping(mapping, table.columns, custom_fields)
    summary = import_contacts(table, mapping, CleaningRules("CM"), blacklist,   # C
                              on_batch=copy_into_contacts,     # D: the caller's COPY
                              on_rejected=RejectedRowsReport(file, table.columns).write)

Every unreadable file raises ImportFileError, whose message is French and meant for the user.
"""

from services.audience.errors import ImportFileError

__all__ = ["ImportFileError"]
