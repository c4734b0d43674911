"""A customer who answers and speaks, for answering-machine detection on a real Asterisk (asterisk/README.md,
« AMD on a real Asterisk »): writes OUT.pcap, an RTP stream (PCMA, 20 ms packets) of voice and silence in the
order PATTERN gives (`v600,s3000`: 600 ms of voice, then 3 s of silence), and OUT.xml, a SIPp UAS scenario for
the carrier's port that answers every INVITE, plays that stream to the PBX, then waits for its BYE.

    python tests/support/sipp/answering_customer.py v600,s3000 /tmp/human    # « Allô ? », then listens
    python tests/support/sipp/answering_customer.py v4500,s1000 /tmp/machine  # a long greeting
    sipp -sn … → sipp -sf /tmp/human.xml -p 15080 -i 127.0.0.1 -mp 16100

Voice is a 440 Hz tone at a speaking level: Asterisk's AMD measures energy against `silence_threshold`, not
speech, so a tone is a word for it, and a long one is a greeting.
"""
import math
import struct
import sys

from sip_parts import OK, sdp, until_bye

RATE, FRAME = 8000, 160          # 8 kHz, 20 ms per packet
PCMA = 8


def alaw(sample: int) -> int:
    """G.711 A-law of a 16-bit linear sample."""
    sign = 0x80 if sample >= 0 else 0
    magnitude = min(abs(sample), 32635) >> 3
    if magnitude < 32:
        code = sign | (magnitude >> 1)
    else:
        exponent = magnitude.bit_length() - 5
        code = sign | (exponent << 4) | ((magnitude >> exponent) & 0x0F)
    return code ^ 0x55


def samples(pattern: str):
    for part in pattern.split(","):
        kind, ms = part[0], int(part[1:])
        for n in range(RATE * ms // 1000):
            yield int(12000 * math.sin(2 * math.pi * 440 * n / RATE)) if kind == "v" else 0


def pcap(pattern: str) -> bytes:
    """Ethernet/IPv4/UDP/RTP packets, 20 ms apart (SIPp sends the RTP part at the packets' own pace)."""
    audio = bytes(alaw(s) for s in samples(pattern))
    out = [struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)]
    for seq, start in enumerate(range(0, len(audio) - FRAME + 1, FRAME)):
        rtp = struct.pack("!BBHII", 0x80, PCMA, seq, seq * FRAME, 0x5EED) + audio[start:start + FRAME]
        udp = struct.pack("!HHHH", 16100, 6000, 8 + len(rtp), 0) + rtp
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), seq, 0, 64, 17, 0,
                         bytes([127, 0, 0, 1]), bytes([127, 0, 0, 1])) + udp
        frame = b"\x00" * 12 + b"\x08\x00" + ip
        usec = seq * 20_000
        out.append(struct.pack("<IIII", usec // 1_000_000, usec % 1_000_000, len(frame), len(frame)) + frame)
    return b"".join(out)


def answer(version: int) -> str:
    """200 OK with our SDP: PCMA only, the codec of the stream."""
    return f"""{OK}      Contact: <sip:[local_ip]:[local_port];transport=[transport]>
      Content-Type: application/sdp
      Content-Length: [len]

{sdp(version, events=False)}"""


def scenario(pcap_path: str) -> str:
    return f'''<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="customer answers and speaks">
  <recv request="INVITE"/>
  <send>
    <![CDATA[
{answer(1).replace("[last_To:]", "[last_To:];tag=[pid]SIPpTag01[call_number]")}
    ]]>
  </send>
  <recv request="ACK"/>
  <nop><action><exec play_pcap_audio="{pcap_path}"/></action></nop>
{until_bye(answer(2))}'''


if __name__ == "__main__":
    pattern, prefix = sys.argv[1], sys.argv[2]
    with open(prefix + ".pcap", "wb") as f:
        f.write(pcap(pattern))
    with open(prefix + ".xml", "w") as f:
        f.write(scenario(prefix + ".pcap"))
