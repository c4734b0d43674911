"""The SDP a WebRTC endpoint of Asterisk (`webrtc = yes`) offers and answers, without media behind it.

A browser's RTCPeerConnection refuses a description without ICE credentials, a DTLS fingerprint, a setup
role, `rtcp-mux` and a mid; it does not need a reachable candidate. So the simulator's descriptions are
complete and well formed, and list no candidate: the browser answers and the call is signalled end to end,
while no packet flows (the sandbox has no media, as Chromium's fake devices in the tests).
"""
from __future__ import annotations

import re
import secrets

OPUS, PCMU, PCMA, EVENTS = 111, 0, 8, 101
_MIRROR = {"sendonly": "recvonly", "recvonly": "sendonly", "inactive": "inactive", "sendrecv": "sendrecv"}


class MediaIdentity:
    """One call's ICE credentials and certificate fingerprint; they stay the same for the whole call
    (a change would mean an ICE restart or a new DTLS session)."""

    def __init__(self) -> None:
        self.ufrag = secrets.token_hex(8)
        self.pwd = secrets.token_hex(16)
        self.fingerprint = ":".join(f"{b:02X}" for b in secrets.token_bytes(32))
        self.session = str(secrets.randbelow(10 ** 9))
        self.version = 1

    def _lines(self, mid: str, setup: str, direction: str, payloads: list[int], maps: dict[int, str]) -> str:
        self.version += 1
        lines = ["v=0", f"o=- {self.session} {self.version} IN IP4 127.0.0.1", "s=Asterisk", "c=IN IP4 127.0.0.1",
                 "t=0 0", f"a=group:BUNDLE {mid}", "a=msid-semantic: WMS",
                 f"m=audio 9 UDP/TLS/RTP/SAVPF {' '.join(map(str, payloads))}",
                 f"a=mid:{mid}", f"a=ice-ufrag:{self.ufrag}", f"a=ice-pwd:{self.pwd}",
                 f"a=fingerprint:sha-256 {self.fingerprint}", f"a=setup:{setup}", "a=rtcp-mux",
                 "a=rtcp:9 IN IP4 0.0.0.0"]
        lines += [f"a=rtpmap:{pt} {maps[pt]}" for pt in payloads]
        if EVENTS in payloads:
            lines.append(f"a=fmtp:{EVENTS} 0-16")
        lines += [f"a={direction}", f"a=ssrc:{secrets.randbelow(2 ** 31)} cname:{self.ufrag}"]
        return "\r\n".join(lines) + "\r\n"

    def offer(self) -> str:
        """Asterisk's offer to a WebRTC phone: Opus, G.711, RFC 4733 events; DTLS role left to the phone."""
        return self._lines("0", "actpass", "sendrecv", [OPUS, PCMU, PCMA, EVENTS],
                           {OPUS: "opus/48000/2", PCMU: "PCMU/8000", PCMA: "PCMA/8000", EVENTS: "telephone-event/8000"})

    def answer(self, offer: str) -> str:
        """The answer to the phone's re-offer (hold, resume): its mid and codec, the mirrored direction, and
        the passive DTLS role (the phone took the active one when it answered our offer)."""
        mid = re.search(r"^a=mid:(\S+)", offer, re.M)
        opus = re.search(r"^a=rtpmap:(\d+) opus/48000", offer, re.M | re.I)
        payload = int(opus.group(1)) if opus else PCMU
        return self._lines(mid.group(1) if mid else "0", "passive", _MIRROR[direction_of(offer)], [payload],
                           {payload: "opus/48000/2" if opus else "PCMU/8000"})


def direction_of(sdp: str) -> str:
    return next((d for d in _MIRROR if re.search(rf"^a={d}\s*$", sdp, re.M)), "sendrecv")
