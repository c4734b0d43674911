"""A customer calling a DID, for a real Asterisk (asterisk/README.md, « Inbound on a real Asterisk »): writes a
SIPp UAC scenario that calls `-s <DID>` as the caller of its `-inf` file (`+2376…;Name` lines), answers, presses
DIGITS as RFC 4733 events (SIPp's `dtmf_2833_<d>.pcap`; `_` waits one second), then waits for the PBX's BYE,
or hangs up itself HOLD_MS after the last key (0: never).

    python tests/support/sipp/customer_call.py DIGITS HOLD_MS OUT.xml
"""
import sys

from sip_parts import OK, sdp, until_bye


def request(method: str, cseq: int) -> str:
    """The caller's request line and dialog headers (the To tag once the PBX answered)."""
    to_tag = "" if method == "INVITE" else "[peer_tag_param]"
    return f"""      {method} sip:[service]@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: "[$callername]" <sip:[$caller]@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>{to_tag}
      Call-ID: [call_id]
      CSeq: {cseq} {method}
"""


digits, hold, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
press = "".join('  <pause milliseconds="1000"/>\n' if d == "_" else f'''  <pause milliseconds="{1500 if i == 0 else 700}"/>
  <nop><action><exec play_pcap_audio="/usr/share/sip-tester/dtmf_2833_{d}.pcap"/></action></nop>
''' for i, d in enumerate(digits))
end = f'''  <pause milliseconds="{hold}"/>
  <send retrans="500">
    <![CDATA[
{request('BYE', 3)}      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>
  <recv response="200" crlf="true"/>
  <nop next="end"/>
''' if hold else ""
xml = f'''<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="customer calls a DID">
  <nop><action><assignstr assign_to="caller" value="[field0]"/><assignstr assign_to="callername" value="[field1]"/></action></nop>
  <send retrans="500">
    <![CDATA[
{request('INVITE', 1)}      Contact: <sip:[$caller]@[local_ip]:[local_port]>
      Max-Forwards: 70
      Content-Type: application/sdp
      Content-Length: [len]

{sdp(1)}
    ]]>
  </send>
  <recv response="100" optional="true"/>
  <recv response="180" optional="true"/>
  <recv response="183" optional="true"/>
  <recv response="200" rtd="true"/>
  <send>
    <![CDATA[
{request('ACK', 1)}      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>
{press}{end}{until_bye(f"""{OK}      Contact: <sip:[$caller]@[local_ip]:[local_port]>
      Content-Type: application/sdp
      Content-Length: [len]

{sdp(2)}""")}'''
open(out, "w").write(xml)
