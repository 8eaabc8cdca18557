#!/usr/bin/python3
"""openapi_check.py - every route of docs/openapi.yaml answers with the
documented shape.

Drives a running daemon through a script of requests that reaches every
documented (path, method) at least once, successes and errors, and checks
each answer: its status is one the document lists for that operation, and
a JSON body validates against the documented schema (OpenAPI 3.0's
`nullable` turned into JSON Schema). A route never reached, a status not
documented or a body off its schema fails the test.

Usage: openapi_check.py BASE_URL  (users admin/admin-pw, maria/maria-pw)
"""
import copy
import json
import re
import sys
import urllib.error
import urllib.request

import jsonschema
import yaml

BASE = sys.argv[1]
DOC = yaml.safe_load(open("docs/openapi.yaml"))
reached = set()
failures = []


def resolve(node):
    """Follow a local $ref."""
    while isinstance(node, dict) and "$ref" in node:
        ptr = node["$ref"].lstrip("#/").split("/")
        node = DOC
        for p in ptr:
            node = node[p]
    return node


def to_jsonschema(s):
    """OpenAPI 3.0 schema -> JSON Schema: nullable, refs inlined."""
    s = copy.deepcopy(resolve(s))
    if isinstance(s, dict):
        if s.get("nullable"):
            del s["nullable"]
            t = s.get("type")
            if t:
                s["type"] = [t, "null"]
            elif "enum" in s:
                s["enum"] = s["enum"] + [None]
        for k in ("properties",):
            if k in s:
                s[k] = {n: to_jsonschema(v) for n, v in s[k].items()}
        for k in ("items", "additionalProperties"):
            if isinstance(s.get(k), dict):
                s[k] = to_jsonschema(s[k])
        for k in ("allOf", "anyOf", "oneOf"):
            if k in s:
                s[k] = [to_jsonschema(v) for v in s[k]]
        for k in ("example", "format", "description"):
            s.pop(k, None)
    return s


def template_of(path):
    """The documented template a concrete path belongs to."""
    for t in DOC["paths"]:
        rx = "^" + re.sub(r"\{[^}]+\}", "[^/]+", t) + "$"
        if re.match(rx, path):
            return t
    return None


def check(method, path, status, ctype, body):
    t = template_of(path.split("?")[0])
    where = "%s %s -> %d" % (method, path, status)
    if t is None or method.lower() not in DOC["paths"][t]:
        failures.append(where + ": not documented")
        return
    reached.add((t, method.lower()))
    op = DOC["paths"][t][method.lower()]
    resp = op.get("responses", {}).get(str(status))
    if resp is None:
        failures.append(where + ": status not documented (%s)" %
                        sorted(op.get("responses", {})))
        return
    resp = resolve(resp)
    content = resp.get("content", {})
    if ctype.startswith("text/csv") and "text/csv" in content:
        return
    if "application/json" in content:
        if not ctype.startswith("application/json"):
            failures.append(where + ": %s, not JSON" % ctype)
            return
        schema = to_jsonschema(content["application/json"]["schema"])
        try:
            jsonschema.validate(json.loads(body), schema)
        except (jsonschema.ValidationError, ValueError) as e:
            failures.append(where + ": " + str(e).splitlines()[0] +
                            " in " + body[:300].decode(errors="replace"))
    elif "text/plain" in content and not ctype.startswith("text/plain"):
        failures.append(where + ": %s, not text" % ctype)


def call(method, path, token=None, body=None, headers=None, want=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(BASE + path, data=data, method=method)
    req.add_header("Content-Type", "application/json")
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    if token:
        req.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(req, timeout=5) as r:
            status, ctype, raw = r.status, r.headers["Content-Type"], r.read()
    except urllib.error.HTTPError as e:
        status, ctype, raw = e.code, e.headers["Content-Type"] or "", e.read()
    check(method, path, status, ctype or "", raw)
    if want is not None and status != want:
        failures.append("%s %s: expected %d, got %d: %s" %
                        (method, path, want, status, raw[:200]))
    try:
        return json.loads(raw)
    except ValueError:
        return {}


def tenants_apart(admin):
    """A user of tenant other (olga) and one of demo (admin) see nothing
    of each other: every object of the other tenant answers 404 (or is
    left out of a list), as one that does not exist."""
    olga = call("POST", "/api/v1/login",
                body={"user": "olga", "password": "olga-pw"},
                want=200)["token"]
    theirs = call("POST", "/api/v1/contacts", olga,
                  {"tenant": "other", "queue": "sales", "channel": "app"},
                  want=201)["id"]
    for method, path, body in (
            ("GET", "/api/v1/contacts/%d" % theirs, None),
            ("GET", "/api/v1/contacts/%d/journal" % theirs, None),
            ("GET", "/api/v1/contacts/%d/recordings" % theirs, None),
            ("DELETE", "/api/v1/contacts/%d" % theirs, None),
            ("GET", "/api/v1/queues/other/sales", None),
            ("GET", "/api/v1/rotas/other/night", None),
            ("PUT", "/api/v1/agents/other/o1/queues/sales",
             {"member": False}),
            ("PUT", "/api/v1/rotas/other/night/overrides/2099-01-01",
             {"duty": ["olga"]}),
            ("POST", "/api/v1/contacts", {"tenant": "other",
                                          "queue": "sales",
                                          "channel": "chat"}),
            ("GET", "/api/v1/reports/queues?from=2026-01-01T00:00:00Z"
             "&to=2026-01-01T01:00:00Z&tenant=other", None)):
        call(method, path, admin, body, want=404)
    for path, key in (("/api/v1/tenants", "tenants"),
                      ("/api/v1/rotas", "rotas"), ("/api/v1/users", "users"),
                      ("/api/v1/queues", "queues"), ("/api/v1/flows", "flows"),
                      ("/api/v1/agents", "agents"),
                      ("/api/v1/contacts", "contacts")):
        for who, tok, foreign in (("admin", admin, "other"),
                                  ("olga", olga, "demo")):
            rows = call("GET", path, tok, want=200).get(key, [])
            text = json.dumps(rows)
            if ('"tenant": "%s"' % foreign in text or
                    '"name": "%s"' % foreign in text or
                    (key == "users" and
                     ("olga" if who == "admin" else "maria") in text)):
                failures.append("%s sees tenant %s in %s: %s" %
                                (who, foreign, path, text[:200]))
    # the audit of olga's tenant is not demo's administrator's to read
    call("PUT", "/api/v1/rotas/other/night/overrides/2099-01-02", olga,
         {"duty": ["olga"]}, want=200)
    audit = json.dumps(call("GET", "/api/v1/audit", admin, want=200))
    if "night" in audit:
        failures.append("demo's administrator reads other's audit")


def main():
    admin = call("POST", "/api/v1/login",
                 body={"user": "admin", "password": "admin-pw"},
                 want=200)["token"]
    maria = call("POST", "/api/v1/login",
                 body={"user": "maria", "password": "maria-pw"},
                 want=200)["token"]
    call("POST", "/api/v1/login", body={"user": "admin", "password": "x"},
         want=401)
    call("POST", "/api/v1/login", body={"user": "admin"}, want=400)
    call("GET", "/api/v1/session", admin, want=200)
    call("GET", "/api/v1/queues", admin, want=200)
    call("GET", "/api/v1/queues", want=401)
    call("GET", "/api/v1/queues/demo/chat", admin, want=200)
    call("GET", "/api/v1/queues/demo/nothing", admin, want=404)
    call("GET", "/api/v1/agents", admin, want=200)
    call("PUT", "/api/v1/agents/demo/agent1/state", maria,
         {"state": "ready"}, want=200)
    call("PUT", "/api/v1/agents/demo/agent1/state", maria,
         {"state": "asleep"}, want=400)
    # a supervisor's move of agent1 into a queue, and back to the file
    call("PUT", "/api/v1/agents/demo/agent1/queues/chat", maria,
         {"member": True}, want=403)
    call("PUT", "/api/v1/agents/demo/agent1/queues/nothing", admin,
         {"member": True}, want=404)
    call("PUT", "/api/v1/agents/demo/agent1/queues/chat", admin,
         {"member": 1}, want=400)
    call("PUT", "/api/v1/agents/demo/agent1/queues/chat", admin,
         {"member": True, "priority": 3}, want=200)
    call("DELETE", "/api/v1/agents/demo/agent1/queues/chat", admin, want=200)
    call("DELETE", "/api/v1/agents/demo/agent1/queues/chat", admin, want=409)
    call("DELETE", "/api/v1/agents/demo/agent1/queues/chat", maria, want=403)
    call("DELETE", "/api/v1/agents/demo/nobody/queues/chat", admin, want=404)
    call("PUT", "/api/v1/agents/demo/agent1/queues/chat", admin,
         {"member": True, "x": 1}, want=400)
    call("PUT", "/api/v1/agents/demo/agent1/queues/chat", admin,
         {"member": True, "pad": "x" * 70000}, want=413)
    call("GET", "/api/v1/events", admin, want=400)  # not a handshake
    # contacts: a chat offered to agent1, handled through the API
    c = call("POST", "/api/v1/contacts", admin,
             {"tenant": "demo", "queue": "chat", "channel": "chat",
              "data": {"name": "Ada"}}, want=201)
    cid = c["id"]
    call("POST", "/api/v1/contacts", admin,
         {"tenant": "demo", "queue": "chat", "channel": "fax"}, want=400)
    call("GET", "/api/v1/contacts", admin, want=200)
    call("GET", "/api/v1/contacts/%d" % cid, admin, want=200)
    call("GET", "/api/v1/contacts/99999", admin, want=404)
    call("POST", "/api/v1/contacts/%d/accept" % cid, maria, want=200)
    call("POST", "/api/v1/contacts/%d/reject" % cid, maria, want=409)
    call("POST", "/api/v1/contacts/%d/messages" % cid, maria,
         {"client_id": "a1", "body": "Salve"}, want=201)
    call("POST", "/api/v1/contacts/%d/messages" % cid, maria,
         {"client_id": "a1", "body": "Salve"}, want=200)
    call("GET", "/api/v1/contacts/%d/messages?after=0" % cid, maria,
         want=200)
    call("POST", "/api/v1/contacts/%d/typing" % cid, maria, want=200)
    call("POST", "/api/v1/contacts/%d/typing" % cid, admin, want=403)
    call("POST", "/api/v1/contacts/99999/typing", maria, want=404)
    # call controls: a chat is no phone call (voice_calls.sh has calls)
    for act in ("hold", "resume", "hangup"):
        call("POST", "/api/v1/contacts/%d/%s" % (cid, act), maria, want=409)
    call("POST", "/api/v1/contacts/%d/transfer" % cid, admin,
         {"queue": "chat"}, want=409)
    for act in ("transfer/complete", "transfer/cancel"):
        call("POST", "/api/v1/contacts/%d/%s" % (cid, act), admin, want=409)
    call("POST", "/api/v1/contacts/99999/transfer", admin,
         {"queue": "chat"}, want=404)
    # supervision: a chat is no phone call; agents may not
    call("POST", "/api/v1/contacts/%d/supervise" % cid, admin,
         {"mode": "listen", "agent": "agent1"}, want=409)
    call("POST", "/api/v1/contacts/%d/supervise" % cid, maria,
         {"mode": "listen", "agent": "agent1"}, want=403)
    call("POST", "/api/v1/contacts/99999/supervise", admin,
         {"mode": "listen", "agent": "agent1"}, want=404)
    call("POST", "/api/v1/contacts/%d/supervise/mode" % cid, admin,
         {"mode": "barge"}, want=409)
    call("POST", "/api/v1/contacts/%d/supervise/stop" % cid, admin,
         want=409)
    # recordings: none of a chat; agents may not; another tenant 404
    call("GET", "/api/v1/contacts/%d/recordings" % cid, admin, want=200)
    call("GET", "/api/v1/contacts/%d/recordings" % cid, maria, want=403)
    call("GET", "/api/v1/contacts/%d/recordings/1" % cid, admin, want=404)
    # e-mail answers: only to an e-mail contact (a chat is none)
    call("POST", "/api/v1/contacts/%d/reply" % cid, maria,
         {"client_id": "r1", "body": "Salve"}, want=404)
    call("POST", "/api/v1/contacts/99999/reply", admin,
         {"client_id": "r1", "body": "Salve"}, want=404)
    call("POST", "/api/v1/contacts/%d/finish" % cid, maria, want=200)
    call("POST", "/api/v1/contacts/%d/wrapup-done" % cid, maria, want=409)
    call("GET", "/api/v1/contacts/%d" % cid, admin, want=200)  # ended
    call("GET", "/api/v1/contacts/%d/journal" % cid, admin, want=200)
    call("GET", "/api/v1/contacts/%d/history" % cid, maria, want=200)
    call("GET", "/api/v1/contacts/99999/history", maria, want=404)
    # a callback, withdrawn
    cb = call("POST", "/api/v1/contacts", admin,
              {"tenant": "demo", "queue": "callbacks",
               "channel": "callback", "not_before": "2030-01-01T09:00:00Z",
               "data": {"number": "+390612345678"}}, want=201)
    call("DELETE", "/api/v1/contacts/%d" % cb["id"], admin, want=200)
    # a personal callback, kept for agent1 (an agent: for itself only)
    cb = call("POST", "/api/v1/contacts", maria,
              {"tenant": "demo", "queue": "callbacks",
               "channel": "callback", "not_before": "2030-01-01T09:00:00Z",
               "data": {"number": "+390612345678"}, "agent": "agent1",
               "agent_wait": 600}, want=201)
    if cb.get("owner") != "agent1":
        failures.append("a personal callback without its owner: %s" % cb)
    call("POST", "/api/v1/contacts", maria,
         {"tenant": "demo", "queue": "callbacks", "channel": "callback",
          "agent": "nobody"}, want=403)
    call("DELETE", "/api/v1/contacts/%d" % cb["id"], maria, want=200)
    call("DELETE", "/api/v1/contacts/%d" % cb["id"], admin, want=409)
    # the web chat, as a visitor
    ch = call("POST", "/api/v1/chats", None,
              {"tenant": "demo", "queue": "chat", "name": "Bea"}, want=201)
    vt = {"X-Chat-Token": ch["token"]}
    call("POST", "/api/v1/chats", None,
         {"tenant": "demo", "queue": "callbacks", "name": "Bea"}, want=404)
    call("POST", "/api/v1/chats", None, {"tenant": "demo", "queue": "chat",
         "name": "Bea", "email": "bea@x.org>\r\nBcc: all@x.org"}, want=400)
    call("POST", "/api/v1/chats/%d/messages" % ch["id"], None,
         {"client_id": "v1", "body": "Buongiorno"}, headers=vt, want=201)
    call("GET", "/api/v1/chats/%d?after=0" % ch["id"], None, headers=vt,
         want=200)
    call("POST", "/api/v1/chats/%d/typing" % ch["id"], None, headers=vt,
         want=200)
    call("POST", "/api/v1/chats/%d/typing" % ch["id"], None, want=404)
    call("GET", "/api/v1/chats/%d" % ch["id"], None, want=404)
    call("DELETE", "/api/v1/chats/%d" % ch["id"], None, headers=vt,
         want=200)
    call("POST", "/api/v1/chats/%d/typing" % ch["id"], None, headers=vt,
         want=409)
    tr = "/api/v1/chats/%d/transcript" % ch["id"]
    call("POST", tr, None, {"email": "bea@x.org"}, headers=vt, want=202)
    call("POST", tr, None, {"email": "bea@x.org"}, headers=vt, want=429)
    call("POST", tr, None, {"email": "bea"}, headers=vt, want=400)
    call("POST", tr, None, {"email": "bea@x.org"}, want=404)
    call("GET", "/api/v1/reports/queues?from=2026-01-01T00:00:00Z"
         "&to=2026-01-01T01:00:00Z&interval=30", admin, want=200)
    call("GET", "/api/v1/reports/queues", maria, want=403)
    now = int(__import__("time").time() * 1000)
    rep = call("GET", "/api/v1/reports/agents?from=%d&to=%d" %
               (now - 3600000, now + 3600000), admin, want=200)
    if not rep.get("agents"):
        failures.append("the agent report has no row for agent1")
    call("GET", "/api/v1/reports/agents?from=x&to=y", admin, want=400)
    csv = urllib.request.Request(
        BASE + "/api/v1/reports/queues?from=%d&to=%d&format=csv" %
        (now - 3600000, now + 3600000),
        headers={"Authorization": "Bearer " + admin})
    with urllib.request.urlopen(csv, timeout=5) as r:
        check("GET", "/api/v1/reports/queues", r.status,
              r.headers["Content-Type"], b"")
        lines = r.read().decode().splitlines()
    if len(lines) < 2 or not lines[0].startswith("start,") and \
            "offered" not in lines[0] or \
            not any(",chat," in l for l in lines[1:]):
        failures.append("the CSV report: %r" % lines[:3])
    if any("other" in l.split(",")[1:3] for l in lines[1:]):
        failures.append("the CSV report shows tenant other: %r" % lines)
    call("GET", "/api/v1/reports/queues?from=1&to=2&format=pdf", admin,
         want=400)
    call("POST", "/api/v1/flows/demo/nothing/emergency", admin, {"on": True},
         want=None)
    # rotas: who is on call, a day overridden and back
    call("GET", "/api/v1/rotas", admin, want=200)
    call("GET", "/api/v1/rotas", maria, want=200)
    call("GET", "/api/v1/rotas/demo/oncall?days=3", admin, want=200)
    call("GET", "/api/v1/rotas/demo/oncall?days=99", admin, want=400)
    call("GET", "/api/v1/rotas/demo/nothing", admin, want=404)
    call("PUT", "/api/v1/rotas/demo/oncall/overrides/2099-01-01", admin,
         {"duty": ["marco"]}, want=200)
    call("PUT", "/api/v1/rotas/demo/oncall/overrides/2099-01-01", admin,
         {"duty": ["nobody"]}, want=400)
    call("PUT", "/api/v1/rotas/demo/oncall/overrides/2099-01-01", maria,
         {"duty": ["marco"]}, want=403)
    call("DELETE", "/api/v1/rotas/demo/oncall/overrides/2099-01-01", admin,
         want=200)
    call("PUT", "/api/v1/agents/demo/agent1/state", admin,
         {"state": "not-ready", "reason": "forced"}, want=200)
    call("POST", "/api/v1/reload", admin, want=200)
    # what the configuration holds, and the audit of the acts above
    call("GET", "/api/v1/tenants", maria, want=200)
    call("GET", "/api/v1/skills", maria, want=200)
    call("GET", "/api/v1/flows", admin, want=200)
    users = call("GET", "/api/v1/users", admin, want=200)
    if any("password_hash" in u for u in users.get("users", [])):
        failures.append("GET /users shows a password hash")
    call("GET", "/api/v1/users", maria, want=403)
    audit = call("GET", "/api/v1/audit", admin, want=200)
    acts = [a["action"] for a in audit.get("audit", [])]
    for act in ("reload", "agent-state", "rota-override-set",
                "rota-override-cleared"):
        if act not in acts:
            failures.append("the audit log has no %s: %s" % (act, acts))
    call("GET", "/api/v1/audit?before=x", admin, want=400)
    call("GET", "/api/v1/audit", maria, want=403)
    call("GET", "/metrics", want=200)
    call("POST", "/api/v1/logout", maria, want=200)
    tenants_apart(admin)
    missing = sorted((t, m) for t, ops in DOC["paths"].items()
                     for m in ops if m in ("get", "put", "post", "delete",
                                           "patch")
                     and (t, m) not in reached)
    for t, m in missing:
        failures.append("never reached: %s %s" % (m.upper(), t))
    if failures:
        print("FAIL web_openapi:\n  " + "\n  ".join(failures),
              file=sys.stderr)
        sys.exit(1)
    print("ok   web_openapi: %d documented operations reached, every "
          "answer of the documented status and shape" % len(reached))


main()
