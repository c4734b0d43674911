"""Topic names. A tab subscribes to those of its user, its tenant, its open campaigns and, for the
admins and supervisors, the tenant's supervision (every agent's state, the wallet): an agent's tab
then hears only of itself, not of each colleague's every change."""


def user_topic(tenant_id: int | None, user_id: int) -> str:
    return f"t{tenant_id or 0}:user:{user_id}"


def tenant_topic(tenant_id: int) -> str:
    return f"t{tenant_id}:all"


def campaign_topic(tenant_id: int, campaign_id: int) -> str:
    return f"t{tenant_id}:campaign:{campaign_id}"


def supervision_topic(tenant_id: int) -> str:
    return f"t{tenant_id}:supervision"
