"""Dramatiq workers: `dramatiq services.workers` loads every actor."""
from services.workers import broker  # noqa: F401
from services.workers import email_delivery  # noqa: F401
from services.workers import contact_import  # noqa: F401
from services.workers import billing  # noqa: F401
from services.workers import messaging  # noqa: F401
