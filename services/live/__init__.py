"""Live updates for open pages (DESIGN.md section 6).

Producers (workers, the pbx bridge, services) `publish` an event on a topic. The web
process reads the one Redis Stream through a consumer group, so with several web workers
each event is handled once, and pushes it into the states of the browser tabs subscribed
to that topic.
"""
from services.live.events import LiveEvent, publish  # noqa: F401
from services.live.subscriptions import subscribe, subscribers  # noqa: F401
from services.live.topics import campaign_topic, supervision_topic, tenant_topic, user_topic  # noqa: F401
