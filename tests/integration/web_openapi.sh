#!/bin/sh
# web_openapi: every route of docs/openapi.yaml answers with a documented
# status and a body of the documented shape (tests/integration/web/
# openapi_check.py, with Debian's python3-jsonschema).
# Usage (from the repository root): sh tests/integration/web_openapi.sh BIN
name=web_openapi
. tests/integration/web/lib.sh

$PY -c 'import jsonschema, yaml' 2>/dev/null ||
	fail "python3-jsonschema and python3-yaml are missing (scripts/install-deps)"
PORT=$(web_port)
set -- $(web_hash admin-pw maria-pw olga-pw)
cat >"$T/c.yaml" <<EOF2
tenants: [{name: demo}, {name: other}]
queues:
  - {name: chat, tenant: demo, web_chat: true}
  - {name: callbacks, tenant: demo}
  - {name: sales, tenant: other, web_chat: true}
agents:
  - {name: agent1, tenant: demo, queues: [chat], capacity: {chat: 2}}
  - {name: o1, tenant: other, queues: [sales]}
dialing: {allow: [_3XXXXXXXXX]}
rotas:
  - name: oncall
    tenant: demo
    people:
      - {name: anna, number: "3331234501"}
      - {name: marco, number: "3331234502"}
    duty: {mon-sun: [anna]}
    escalation: [marco]
  - name: night
    tenant: other
    people: [{name: olga, number: "3331234509"}]
    duty: {mon-sun: [olga]}
email:
  mailboxes:
    # no IMAP server: the reply route's answers, not the mail, are tested
    # here (email_channel.sh has the servers)
    - {name: help, tenant: demo, queue: chat, imap: "imap://127.0.0.1:9/INBOX",
       user: help, password: pw, smtp: "smtp://127.0.0.1:9",
       address: help@example.org}
store: {path: "$T/c.db"}
http:
  listen: "127.0.0.1:$PORT"
users:
  - {name: admin, password_hash: "$1", role: administrator, tenants: [demo]}
  - {name: maria, password_hash: "$2", role: agent, tenants: [demo],
     agent: agent1}
  - {name: olga, password_hash: "$3", role: administrator, tenants: [other]}
EOF2
web_start "$T/c.yaml"
$PY tests/integration/web/openapi_check.py "http://127.0.0.1:$PORT" || fail "see above"
