"""Campaigns (UC-CP-01..04): configuration, time bands, pre-flight, versions, lifecycle."""
