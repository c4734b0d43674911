"""SIP messages as a WebRTC phone sends them over a websocket (RFC 3261 text, RFC 7118 framing).

One websocket frame is one whole message, so there is no stream framing: a start line, headers (compact
forms expanded, repeated headers kept in order), a blank line, the body. Enough of SIP for the simulator's
phone side (sip_ws.py): REGISTER with digest authentication (RFC 2617 MD5, qop=auth or none), and the
INVITE, ACK, CANCEL, BYE, INFO and REFER of one call. Nothing here knows about the PBX.
"""
from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass, field

COMPACT = {"v": "Via", "f": "From", "t": "To", "i": "Call-ID", "m": "Contact", "l": "Content-Length",
           "c": "Content-Type", "k": "Supported", "r": "Refer-To", "o": "Event"}
REASONS = {100: "Trying", 180: "Ringing", 200: "OK", 202: "Accepted", 400: "Bad Request", 401: "Unauthorized",
           403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed", 481: "Call/Transaction Does Not Exist",
           486: "Busy Here", 487: "Request Terminated", 488: "Not Acceptable Here", 603: "Decline"}
_URI = re.compile(r"<([^>]*)>|(sip:[^;>\s]*)")
_PARAM = re.compile(r'(\w[\w-]*)\s*=\s*("([^"]*)"|[^\s,]+)')


@dataclass
class SipMessage:
    start: str                                        # "INVITE sip:x SIP/2.0" or "SIP/2.0 200 OK"
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: str = ""

    # ---- reading -----------------------------------------------------------------------------
    @property
    def is_request(self) -> bool:
        return not self.start.startswith("SIP/2.0")

    @property
    def method(self) -> str:
        return self.start.split(" ", 1)[0] if self.is_request else self.cseq[1]

    @property
    def uri(self) -> str:
        return self.start.split(" ")[1]

    @property
    def status(self) -> int:
        return 0 if self.is_request else int(self.start.split(" ")[1])

    @property
    def cseq(self) -> tuple[int, str]:
        number, _, method = self.get("CSeq").partition(" ")
        return int(number or 0), method.strip()

    def get(self, name: str, default: str = "") -> str:
        return next((v for k, v in self.headers if k.lower() == name.lower()), default)

    def all(self, name: str) -> list[str]:
        return [v for k, v in self.headers if k.lower() == name.lower()]

    # ---- writing -----------------------------------------------------------------------------
    def encode(self) -> str:
        headers = [(k, v) for k, v in self.headers if k.lower() != "content-length"]
        lines = [self.start] + [f"{k}: {v}" for k, v in headers] + [f"Content-Length: {len(self.body.encode())}"]
        return "\r\n".join(lines) + "\r\n\r\n" + self.body

    def response(self, status: int, extra: list[tuple[str, str]] = (), body: str = "",
                 to_tag: str | None = None) -> "SipMessage":
        """The answer to this request: Via, From, To (with our tag), Call-ID and CSeq copied (RFC 3261 8.2.6)."""
        to = self.get("To")
        if to_tag and ";tag=" not in to:
            to = f"{to};tag={to_tag}"
        headers = [("Via", v) for v in self.all("Via")] + [("From", self.get("From")), ("To", to),
                                                           ("Call-ID", self.get("Call-ID")), ("CSeq", self.get("CSeq"))]
        return SipMessage(f"SIP/2.0 {status} {REASONS.get(status, 'Unknown')}", headers + list(extra), body)


def parse(text: str) -> SipMessage:
    head, _, body = text.partition("\r\n\r\n")
    lines = head.split("\r\n")
    headers: list[tuple[str, str]] = []
    for line in lines[1:]:
        if line[:1] in (" ", "\t") and headers:       # folded header line
            headers[-1] = (headers[-1][0], headers[-1][1] + " " + line.strip())
            continue
        name, _, value = line.partition(":")
        name = name.strip()
        headers.append((COMPACT.get(name.lower(), name) if len(name) == 1 else name, value.strip()))
    return SipMessage(lines[0].strip(), headers, body)


# ---- header values ----------------------------------------------------------------------------
def uri_of(value: str) -> str:
    """The URI of a From/To/Contact/Refer-To value: '"A" <sip:a@b;transport=ws>;tag=1' -> 'sip:a@b;transport=ws'."""
    found = _URI.search(value)
    return (found.group(1) or found.group(2)) if found else value.strip()


def user_of(uri: str) -> str:
    return uri.removeprefix("sips:").removeprefix("sip:").split("@", 1)[0].split(";", 1)[0]


def tag_of(value: str) -> str:
    found = re.search(r";\s*tag=([^;\s>]+)", value.split(">", 1)[-1] if ">" in value else value)
    return found.group(1) if found else ""


def params(value: str) -> dict[str, str]:
    """key=value pairs of a Digest header or a header's parameters (quotes removed)."""
    return {m.group(1).lower(): m.group(3) if m.group(3) is not None else m.group(2)
            for m in _PARAM.finditer(value)}


def new_tag() -> str:
    return secrets.token_hex(6)


def new_branch() -> str:
    return "z9hG4bK" + secrets.token_hex(8)


# ---- digest authentication (RFC 2617, as res_pjsip with auth_type = userpass) ------------------
def _md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()


def challenge(realm: str, nonce: str) -> str:
    return f'Digest realm="{realm}", nonce="{nonce}", qop="auth", algorithm=MD5'


def digest_response(username: str, realm: str, password: str, method: str, uri: str, nonce: str,
                    nc: str = "", cnonce: str = "", qop: str = "") -> str:
    ha1, ha2 = _md5(f"{username}:{realm}:{password}"), _md5(f"{method}:{uri}")
    if qop:
        return _md5(f"{ha1}:{nonce}:{nc}:{cnonce}:{qop}:{ha2}")
    return _md5(f"{ha1}:{nonce}:{ha2}")


def authorization_matches(authorization: str, method: str, password: str, realm: str, nonce: str) -> bool:
    """Whether an Authorization header answers our challenge with this password."""
    given = params(authorization.removeprefix("Digest").strip())
    if given.get("nonce") != nonce or given.get("realm") != realm:
        return False
    expected = digest_response(given.get("username", ""), realm, password, method, given.get("uri", ""), nonce,
                               given.get("nc", ""), given.get("cnonce", ""), given.get("qop", ""))
    return secrets.compare_digest(expected, given.get("response", ""))


def authorization(username: str, password: str, method: str, uri: str, www_authenticate: str) -> str:
    """The Authorization a phone sends back (used by the tests' phone)."""
    offered = params(www_authenticate.removeprefix("Digest").strip())
    realm, nonce, cnonce, nc = offered["realm"], offered["nonce"], secrets.token_hex(8), "00000001"
    response = digest_response(username, realm, password, method, uri, nonce, nc, cnonce, "auth")
    return (f'Digest username="{username}", realm="{realm}", nonce="{nonce}", uri="{uri}", '
            f'response="{response}", algorithm=MD5, cnonce="{cnonce}", nc={nc}, qop=auth')
