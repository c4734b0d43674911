"""SQLModel tables. `platform` spans tenants; `tenant` tables are bound per tenant."""
from services.models.platform import (  # noqa: F401
    AuthSession,
    PasswordResetToken,
    Role,
    SecurityEvent,
    Tenant,
    TenantStatus,
    User,
)
from services.models.tenant import Team  # noqa: F401
