#!/bin/sh
# web_agent_gone: an agent's desktop (events WebSocket) that closes and
# comes back within http.agent_grace keeps its chats; one that does not
# come back gives them back to the queue at their place, and the agent
# is set not ready (tests/integration/web/agent_gone.mjs, Node's own
# WebSocket client).
# Usage (from the repository root): sh tests/integration/web_agent_gone.sh BIN
name=web_agent_gone
. tests/integration/web/lib.sh

node --experimental-websocket -e 'new WebSocket("ws://127.0.0.1:9")' 2>/dev/null ||
	fail "node with a WebSocket client is missing (scripts/install-deps)"
PORT=$(web_port)
set -- $(web_hash maria-pw sup-pw)
cat >"$T/c.yaml" <<EOF2
tenants: [{name: demo}]
queues: [{name: info, tenant: demo, web_chat: true}]
agents: [{name: agent1, tenant: demo, queues: [info]}]
store: {path: "$T/c.db"}
http:
  listen: "127.0.0.1:$PORT"
  agent_grace: 1s
users:
  - {name: maria, password_hash: "$1", role: agent, tenants: [demo], agent: agent1}
  - {name: sup, password_hash: "$2", role: supervisor, tenants: [demo]}
EOF2
web_start "$T/c.yaml"
timeout 60 node --experimental-websocket --no-warnings \
	tests/integration/web/agent_gone.mjs "http://127.0.0.1:$PORT" "$T/daemon.log" ||
	fail "see above"
echo "web_agent_gone: ok"
