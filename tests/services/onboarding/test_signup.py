"""Sign-up (UC-ADM-01): the form's errors all at once, the verification email's link clickable."""
from html.parser import HTMLParser

from services.onboarding.signup import register_signup, verification_email


def test_every_error_of_the_form_is_reported_at_once():
    result = register_signup(company_name="A", country="XX", currency="ZZZ", full_name=" ",
                             email="pas-une-adresse", password="court", confirm="autre")

    assert not result.ok
    assert set(result.errors) == {"company_name", "country", "currency", "full_name", "email",
                                  "password", "confirm"}
    assert result.errors["confirm"] == "Les deux mots de passe ne sont pas identiques."
    assert "Au moins un chiffre." in result.errors["password"]


def test_a_mismatched_confirmation_alone_is_reported_too():
    result = register_signup("Démo SARL", "CM", "XAF", "Awa Mbarga", "pas-une-adresse",
                             "Secret-pass-2026", "Secret-pass-2025")

    assert set(result.errors) == {"email", "confirm"}


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.hrefs.append(dict(attrs)["href"])


def test_the_verification_email_has_a_link_to_click_and_escapes_what_the_person_typed():
    link = "https://app.bgotocall.cm/inscription/verifier?token=abc&x=1"
    message = verification_email("awa@demo.cm", "Awa <b>Mbarga</b>", "Ets Ndi & Fils", link, "abc")

    links = _Links()
    links.feed(message.html)
    assert links.hrefs == [link, link]  # the button and the written address
    assert "Ets Ndi &amp; Fils" in message.html and "<b>Mbarga</b>" not in message.html
    assert link in message.text  # plain-text readers still get it
