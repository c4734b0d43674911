"""SIP pieces shared by the SIPp scenario writers of this folder (run as scripts: `python tests/support/sipp/…`)."""


def sdp(version: int, events: bool = True) -> str:
    """PCMA (and RFC 4733 events), from SIPp's media port (where its pcaps' packets come from)."""
    formats, event_lines = ("8 101", "      a=rtpmap:101 telephone-event/8000\n      a=fmtp:101 0-15\n") if events \
        else ("8", "")
    return f"""      v=0
      o=user1 53655765 {2353687636 + version} IN IP[local_ip_type] [local_ip]
      s=-
      c=IN IP[media_ip_type] [media_ip]
      t=0 0
      m=audio [media_port] RTP/AVP {formats}
      a=rtpmap:8 PCMA/8000
{event_lines}"""


OK = """      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:]
      [last_Call-ID:]
      [last_CSeq:]
"""


def until_bye(reinvite_answer: str) -> str:
    """The scenario's end: re-INVITEs answered with `reinvite_answer` (a 200 OK with SDP) until the PBX's BYE."""
    return f'''  <label id="wait"/>
  <recv request="INVITE" optional="true" next="reinvite"/>
  <recv request="BYE"/>
  <send>
    <![CDATA[
{OK}      Content-Length: 0

    ]]>
  </send>
  <nop next="end"/>
  <label id="reinvite"/>
  <send>
    <![CDATA[
{reinvite_answer}
    ]]>
  </send>
  <recv request="ACK"/>
  <nop next="wait"/>
  <label id="end"/>
</scenario>
'''
