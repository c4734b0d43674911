"""The Dramatiq broker, on the product's Redis."""
from __future__ import annotations

import dramatiq
from dramatiq.brokers.redis import RedisBroker

from services.settings import get_settings

broker = RedisBroker(url=get_settings().redis_url, namespace="bgotocall")
dramatiq.set_broker(broker)
