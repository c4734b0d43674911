"""Stripe's documented test cards and what each one does."""
from __future__ import annotations

from dataclasses import dataclass

# number -> (code, decline_code, message) of a decline
DECLINES = {
    "4000000000000002": ("card_declined", "generic_decline", "Your card was declined."),
    "4000000000009995": ("card_declined", "insufficient_funds",
                         "Your card has insufficient funds."),
    "4000000000009987": ("card_declined", "lost_card", "Your card was declined."),
    "4000000000009979": ("card_declined", "stolen_card", "Your card was declined."),
    "4000000000000069": ("expired_card", "expired_card", "Your card has expired."),
    "4000000000000127": ("incorrect_cvc", "incorrect_cvc",
                         "Your card's security code is incorrect."),
    "4000000000000119": ("processing_error", "processing_error",
                         "An error occurred while processing your card. "
                         "Try again in a little bit."),
}
THREE_D_SECURE = {"4000002760003184", "4000000000003220", "4000002500003155"}
SUCCEEDS = {"4242424242424242", "4000056655665556", "5555555555554444",
            "2223003122003222", "378282246310005", "4000000000000077"}
AUTH_FAILURE = ("payment_intent_authentication_failure", None,
                "We are unable to authenticate your payment method. Please choose a "
                "different payment method and try again.")
BRANDS = {"4": "visa", "5": "mastercard", "2": "mastercard", "3": "amex"}


@dataclass(frozen=True)
class CardOutcome:
    kind: str  # succeed, challenge, decline, invalid
    code: str = ""
    decline_code: str | None = None
    message: str = ""


def luhn_ok(number: str) -> bool:
    digits = [int(d) for d in number][::-1]
    total = sum(d if i % 2 == 0 else (d * 2 - 9 if d * 2 > 9 else d * 2)
                for i, d in enumerate(digits))
    return total % 10 == 0


def outcome_for(number: str) -> CardOutcome:
    number = "".join(c for c in number if c.isdigit())
    if not 13 <= len(number) <= 19 or not luhn_ok(number):
        return CardOutcome("invalid", "incorrect_number", None, "Your card number is incorrect.")
    if number in DECLINES:
        return CardOutcome("decline", *DECLINES[number])
    if number in THREE_D_SECURE:
        return CardOutcome("challenge")
    if number in SUCCEEDS:
        return CardOutcome("succeed")
    return CardOutcome("decline", "card_declined", "test_mode_live_card",
                       "Your card was declined. Your request was in test mode, but used a "
                       "non test card.")


def brand_of(number: str) -> str:
    return BRANDS.get(number[:1], "unknown")
