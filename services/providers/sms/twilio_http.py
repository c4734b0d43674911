"""The Twilio SDK's HTTP client over one urllib3 connection pool.

The SDK builds each request (URL, form, headers, basic auth) and reads each answer; this client
only carries them. Its default client goes through requests, whose per-call work (preparing the
request, merging the environment's settings, hooks) was a fifth of a sending worker's CPU at
campaign volumes. The environment (HTTPS_PROXY / NO_PROXY, REQUESTS_CA_BUNDLE or CURL_CA_BUNDLE)
is read once, when the client is made, with requests' own rules.
"""
from __future__ import annotations

import json
import logging
import os
from urllib.parse import urlencode, urlsplit

import certifi
import urllib3
from requests.utils import get_environ_proxies
from twilio.http import HttpClient
from twilio.http.response import Response

# The SDK's base class logs through this logger; requests and responses are not ours to log
# (the recipient's number is in them).
_log = logging.getLogger("services.providers.sms.twilio_http")

_JSON_TYPES = ("application/json", "application/scim+json")


def ca_bundle() -> str:
    """The CA bundle requests would use: the environment's, else certifi's."""
    return os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or certifi.where()


class PooledHttpClient(HttpClient):
    def __init__(self, api_base: str, timeout: float, connections: int):
        super().__init__(_log, is_async=False, timeout=timeout)
        self.proxy = get_environ_proxies(api_base).get(urlsplit(api_base).scheme or "https")
        options = dict(num_pools=4, maxsize=connections, ca_certs=ca_bundle(),
                       timeout=urllib3.Timeout(timeout), retries=False)
        self.pool = (urllib3.ProxyManager(self.proxy, **options) if self.proxy
                     else urllib3.PoolManager(**options))

    def request(self, method, url, params=None, data=None, headers=None, auth=None,
                timeout=None, allow_redirects=False) -> Response:
        """As twilio.http.http_client.TwilioHttpClient sends it through requests: the
        query string and the form with repeated keys for lists, JSON for JSON content types."""
        headers = dict(headers or {})
        if params:
            url = f"{url}?{urlencode(params, doseq=True)}"
        if auth:
            headers.update(urllib3.make_headers(basic_auth=f"{auth[0]}:{auth[1]}"))
        body = None
        if headers.get("Content-Type") in _JSON_TYPES:
            body = json.dumps(data) if data is not None else None
        elif data:
            body = urlencode(data, doseq=True)
        extra = {"timeout": urllib3.Timeout(timeout)} if timeout else {}
        answer = self.pool.request(method.upper(), url, body=body, headers=headers,
                                   redirect=allow_redirects, retries=False, **extra)
        return Response(answer.status, answer.data.decode("utf-8", "replace"), answer.headers)
