"""Onboarding: sign-up with an emailed token, provisioning of a paid tenant (UC-ADM-01, UC-SA-01)."""
