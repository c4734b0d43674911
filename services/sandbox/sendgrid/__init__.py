"""SendGrid twin: POST /v3/mail/send as SendGrid answers it, and a readable inbox."""
