"""Billing: the Smart Wallet, prices, payments, receipts and invoices."""
