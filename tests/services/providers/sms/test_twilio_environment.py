"""The Twilio gateway reads the environment once (not requests on every SMS) and still follows it:
a company proxy and a CA bundle given to the process apply to the SDK's requests; NO_PROXY too."""
from services.providers.sms.twilio import TwilioSmsGateway

MESSAGES = "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json"


def settings_of(gateway: TwilioSmsGateway, url: str) -> dict:
    """What the SDK's http client hands requests for a call to `url` (twilio.http.http_client)."""
    http = gateway._client.http_client
    return http.session.merge_environment_settings(url, http.proxy, None, None, None)


def test_the_proxy_and_ca_bundle_of_the_environment_apply(monkeypatch, tmp_path):
    bundle = tmp_path / "ca.pem"
    bundle.write_text("")
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.corp.example:3128")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(bundle))
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    settings = settings_of(TwilioSmsGateway("AC1", "token"), MESSAGES)
    assert settings["proxies"]["https"] == "http://proxy.corp.example:3128"
    assert settings["verify"] == str(bundle)


def test_no_proxy_and_no_bundle_by_default(monkeypatch):
    for name in ("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "api.twilio.com")
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.corp.example:3128")
    settings = settings_of(TwilioSmsGateway("AC1", "token"), MESSAGES)
    assert "https" not in settings["proxies"] and settings["verify"] is True
