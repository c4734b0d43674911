"""The Twilio gateway reads the environment once (not on every SMS) and still follows it: a
company proxy and a CA bundle given to the process apply to the SDK's requests; NO_PROXY too."""
import certifi
import urllib3

from services.providers.sms.twilio import TwilioSmsGateway


def pool_of(gateway: TwilioSmsGateway):
    return gateway._client.http_client.pool


def test_the_proxy_and_ca_bundle_of_the_environment_apply(monkeypatch, tmp_path):
    bundle = tmp_path / "ca.pem"
    bundle.write_text("")
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.corp.example:3128")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(bundle))
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    pool = pool_of(TwilioSmsGateway("AC1", "token"))
    assert isinstance(pool, urllib3.ProxyManager)
    assert pool.proxy.url == "http://proxy.corp.example:3128"
    assert pool.connection_pool_kw["ca_certs"] == str(bundle)


def test_no_proxy_and_no_bundle_by_default(monkeypatch):
    for name in ("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "api.twilio.com")
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.corp.example:3128")
    pool = pool_of(TwilioSmsGateway("AC1", "token"))
    assert not isinstance(pool, urllib3.ProxyManager)
    assert pool.connection_pool_kw["ca_certs"] == certifi.where()
