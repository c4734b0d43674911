"""A local twin of Stripe: the REST paths the SDK calls, a hosted Checkout page, a 3-D
Secure challenge, the documented test cards, and webhooks signed as Stripe signs them."""
