#!/bin/sh
# web_members: a supervisor moves an agent into and out of queues at run
# time (PUT/DELETE /api/v1/agents/{tenant}/{name}/queues/{queue}): the
# engine routes by it at once, a reload and a restart keep it, a restore
# brings back the file's membership; roles, tenants, errors, audit
# (tests/integration/web/members_check.py).
# Usage (from the repository root): sh tests/integration/web_members.sh BIN
name=web_members
. tests/integration/web/lib.sh

PORT=$(web_port)
set -- $(web_hash maria-pw sup-pw osup-pw admin-pw)
cat >"$T/c.yaml" <<EOF2
tenants: [{name: demo}, {name: other}]
skills: [language-it]
queues:
  - {name: info, tenant: demo, web_chat: true}
  - {name: health, tenant: demo, web_chat: true}
  - {name: ot, tenant: other}
agents:
  - {name: agent1, tenant: demo, queues: [info], skills: {language-it: 3}}
  - {name: agent2, tenant: demo, queues: [health]}
  - {name: o1, tenant: other, queues: [ot]}
store: {path: "$T/c.db"}
http: {listen: "127.0.0.1:$PORT"}
users:
  - {name: maria, password_hash: "$1", role: agent, tenants: [demo], agent: agent1}
  - {name: sup, password_hash: "$2", role: supervisor, tenants: [demo]}
  - {name: osup, password_hash: "$3", role: supervisor, tenants: [other]}
  - {name: admin, password_hash: "$4", role: administrator, tenants: [demo, other]}
EOF2
web_start "$T/c.yaml"
$PY tests/integration/web/members_check.py move "http://127.0.0.1:$PORT" ||
	fail "see above"
kill "$daemon_pid" && wait "$daemon_pid" 2>/dev/null || true
daemon_pid=""
web_start "$T/c.yaml"
$PY tests/integration/web/members_check.py restart "http://127.0.0.1:$PORT" ||
	fail "see above"
echo "web_members: ok"
