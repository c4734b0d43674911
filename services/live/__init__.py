"""Live updates for open pages (DESIGN.md section 6).

Producers (workers, the pbx bridge, services) `publish` an event on one or more topics. Every
web worker reads the one Redis Stream and pushes each event into the states of the browser tabs
it serves that are subscribed to one of its topics (services/live/consumer.py, served.py).
"""
from services.live.events import LiveEvent, publish  # noqa: F401
from services.live.subscriptions import subscribe, subscribers  # noqa: F401
from services.live.topics import campaign_topic, supervision_topic, tenant_topic, user_topic  # noqa: F401
