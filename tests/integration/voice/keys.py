#!/usr/bin/env python3
"""keys.py - an agent's phone that presses keys during the call, as a
sipp scenario (out-of-call, -oocsf), on stdout.

  keys.py AGENT_PCAP STEP...

It answers the daemon's INVITE (180, 200 with PCMA and telephone-event
after 1 s), plays AGENT_PCAP, then runs the steps in order:
  pause:MS          waits MS milliseconds (the phone cannot see the
                    daemon's state: the test checks the order in the log)
  keys:KEYS:LABEL   presses KEYS, one SIP INFO (application/dtmf-relay)
                    each, 150 ms apart, and logs "keys LABEL pressed"
  bye               hangs up (BYE, logged "hung up") and ends there
and at the end waits for the daemon's BYE (logged "BYE received from the
daemon") and answers it.
"""
import sys

pcap, steps = sys.argv[1], sys.argv[2:]

HEAD = """<?xml version="1.0" encoding="ISO-8859-1" ?>
<!DOCTYPE scenario SYSTEM "sipp.dtd">
<scenario name="keys">
  <recv request="INVITE" rrs="true">
    <action>
      <ereg regexp=".*" search_in="hdr" header="From:" assign_to="inv_from"/>
      <ereg regexp=".*" search_in="hdr" header="To:" assign_to="inv_to"/>
    </action>
  </recv>
  <send>
    <![CDATA[
      SIP/2.0 180 Ringing
      [last_Via:]
      [last_From:]
      [last_To:];tag=[pid]ans[call_number]
      [last_Call-ID:]
      [last_CSeq:]
      Contact: <sip:agent@[local_ip]:[local_port];transport=[transport]>
      Content-Length: 0

    ]]>
  </send>
  <pause milliseconds="1000"/>
  <send retrans="500">
    <![CDATA[
      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:];tag=[pid]ans[call_number]
      [last_Call-ID:]
      [last_CSeq:]
      Contact: <sip:agent@[local_ip]:[local_port];transport=[transport]>
      Content-Type: application/sdp
      Content-Length: [len]

      v=0
      o=agent 1 1 IN IP[local_ip_type] [local_ip]
      s=-
      c=IN IP[media_ip_type] [media_ip]
      t=0 0
      m=audio [media_port] RTP/AVP 8 101
      a=rtpmap:8 PCMA/8000
      a=rtpmap:101 telephone-event/8000
      a=fmtp:101 0-15

    ]]>
  </send>
  <recv request="ACK" crlf="true"/>
  <nop>
    <action>
      <exec play_pcap_audio="%s"/>
    </action>
  </nop>
"""

INFO = """  <send retrans="500">
    <![CDATA[
      INFO [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      [routes]
      From: [$inv_to];tag=[pid]ans[call_number]
      To: [$inv_from]
      [last_Call-ID:]
      CSeq: %d INFO
      Contact: <sip:agent@[local_ip]:[local_port];transport=[transport]>
      Max-Forwards: 70
      Content-Type: application/dtmf-relay
      Content-Length: [len]

      Signal=%s
      Duration=160

    ]]>
  </send>
  <recv response="200"/>
"""

BYE = """  <send retrans="500">
    <![CDATA[
      BYE [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      [routes]
      From: [$inv_to];tag=[pid]ans[call_number]
      To: [$inv_from]
      [last_Call-ID:]
      CSeq: %d BYE
      Contact: <sip:agent@[local_ip]:[local_port];transport=[transport]>
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>
  <recv response="200">
    <action>
      <log message="hung up"/>
    </action>
  </recv>
</scenario>
"""

TAIL = """  <recv request="BYE" timeout="60000">
    <action>
      <log message="BYE received from the daemon"/>
    </action>
  </recv>
  <send>
    <![CDATA[
      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:]
      [last_Call-ID:]
      [last_CSeq:]
      Content-Length: 0

    ]]>
  </send>
</scenario>
"""

out = [HEAD % pcap]
cseq = 100
for step in steps:
    kind, _, rest = step.partition(":")
    if kind == "pause":
        out.append('  <pause milliseconds="%d"/>\n' % int(rest))
    elif kind == "keys":
        keys, _, label = rest.partition(":")
        for i, k in enumerate(keys):
            cseq += 1
            out.append(INFO % (cseq, k))
            if i + 1 < len(keys):  # the last key may bring the BYE
                out.append('  <pause milliseconds="150"/>\n')
        out.append('  <nop><action><log message="keys %s pressed"/></action></nop>\n'
                   % label)
    elif kind == "bye":
        out.append(BYE % (cseq + 1))
        break
    else:
        sys.exit("keys.py: unknown step %r" % step)
else:
    out.append(TAIL)
sys.stdout.write("".join(out))
