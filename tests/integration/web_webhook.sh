#!/bin/sh
# web_webhook: a tenant's engine events POSTed to its webhook, signed
# (HMAC-SHA256), in order, retried after failures with the same delivery
# id, nothing of another tenant; a webhook whose receiver is down gives
# up after its attempts (tests/integration/web/webhook_check.py).
# Usage (from the repository root): sh tests/integration/web_webhook.sh BIN
name=web_webhook
. tests/integration/web/lib.sh

PORT=$(web_port)
HOOK=$(web_port)
DEAD=$(web_port) # nobody listens there
SECRET="s3cret-for-the-crm-webhook"
HASH=$(web_hash admin-pw)
HASH=${HASH% }
cat >"$T/c.yaml" <<EOF2
tenants: [{name: demo}, {name: other}]
queues:
  - {name: chat, tenant: demo}
  - {name: sales, tenant: other}
agents:
  - {name: agent1, tenant: demo, queues: [chat]}
store: {path: "$T/c.db"}
http:
  listen: "127.0.0.1:$PORT"
users:
  - {name: admin, password_hash: "$HASH", role: administrator,
     tenants: [demo, other]}
webhooks:
  - name: crm
    tenant: demo
    url: "http://127.0.0.1:$HOOK/hook"
    secret: "$SECRET"
    events: [contact-queued, agent-state]
    retry_first: 100ms
    retry_max: 400ms
  - name: dead
    tenant: other
    url: "http://127.0.0.1:$DEAD/hook"
    secret: "another-long-secret"
    attempts: 2
    retry_first: 100ms
EOF2
"$BIN" check-config "$T/c.yaml" >"$T/check.log" 2>&1 ||
	fail "the configuration is refused: $(cat "$T/check.log")"
web_start "$T/c.yaml"
$PY tests/integration/web/webhook_check.py "http://127.0.0.1:$PORT" "$HOOK" \
	"$T/daemon.log" "$SECRET" || fail "see above"
grep -q "$SECRET" "$T/daemon.log" && fail "the webhook's secret is in the log"
echo "web_webhook: ok"
