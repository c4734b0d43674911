"""Topic names. A tab subscribes to those of its user, tenant and open campaigns."""


def user_topic(tenant_id: int | None, user_id: int) -> str:
    return f"t{tenant_id or 0}:user:{user_id}"


def tenant_topic(tenant_id: int) -> str:
    return f"t{tenant_id}:all"


def campaign_topic(tenant_id: int, campaign_id: int) -> str:
    return f"t{tenant_id}:campaign:{campaign_id}"
