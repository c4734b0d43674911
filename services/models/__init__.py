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
from services.models.audience import (  # noqa: F401
    ContactList, ContactRecord, CustomField, DatabaseSource, OptOut, OptOutEvent,
)
from services.models.billing import (  # noqa: F401
    BillingProfile, Cart, GatewayEvent, Invoice, InvoiceSequence, Payment, PlatformOption,
    PriceItem, ProvisioningStep, Signup, Wallet, WalletEntry,
)
from services.models.campaigns import (  # noqa: F401
    Campaign, CampaignAgent, CampaignVersion, FormAnswer, FrequencyCap, WhatsAppTemplate,
)
from services.models.interactions import Interaction  # noqa: F401
from services.models.settings import PhoneNumber, SipTrunk, TenantSettings  # noqa: F401
from services.models.reporting import ReportExport  # noqa: F401
from services.models.inbound import IvrMenu  # noqa: F401
from services.models.conversations import (  # noqa: F401
    Conversation, ConversationMessage, ConversationRouting,
)
