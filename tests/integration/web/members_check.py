"""members_check.py PHASE BASE: a supervisor moves agents between queues
(web_members.sh). PHASE "move" runs against a fresh daemon, "restart"
against the same store after a restart."""
import json
import sys
import time
import urllib.error
import urllib.request

PHASE, BASE = sys.argv[1], sys.argv[2]


def fail(what):
    print(f"FAIL web_members: {what}", file=sys.stderr)
    sys.exit(1)


def req(method, path, token=None, body=None):
    data = None if body is None else json.dumps(body).encode()
    r = urllib.request.Request(BASE + path, data=data, method=method)
    if token:
        r.add_header("Authorization", "Bearer " + token)
    if data is not None:
        r.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(r, timeout=10) as f:
            return f.status, json.loads(f.read() or b"{}")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}")


def expect(status, got, what):
    if got[0] != status:
        fail(f"{what}: expected {status}, got {got[0]} {got[1]}")
    return got[1]


def login(user, password):
    return expect(200, req("POST", "/api/v1/login",
                           body={"user": user, "password": password}),
                  "login of " + user)["token"]


SUP, MARIA, OSUP, ADMIN = (login("sup", "sup-pw"), login("maria", "maria-pw"),
                           login("osup", "osup-pw"),
                           login("admin", "admin-pw"))


def agent(name):
    for a in expect(200, req("GET", "/api/v1/agents", SUP), "agents")["agents"]:
        if a["name"] == name:
            return a
    fail(f"agent {name} is not listed")


def queues_of(name):
    return {q["name"]: q for q in agent(name)["queues"]}


def members(queue):
    """How many agents the engine counts in queue, whatever their state."""
    q = expect(200, req("GET", f"/api/v1/queues/demo/{queue}", SUP), queue)
    return sum(q["agents"].values())


def wait_for(cond, what):
    for _ in range(100):
        v = cond()
        if v:
            return v
        time.sleep(0.05)
    fail("timed out waiting for " + what)


def move(token, agent_name, queue, body):
    return req("PUT", f"/api/v1/agents/demo/{agent_name}/queues/{queue}",
               token, body)


def audit_acts():
    rows = expect(200, req("GET", "/api/v1/audit", SUP), "audit")["audit"]
    return [(r["action"], r["object"], r["user"]) for r in rows]


def phase_move():
    a1 = agent("agent1")
    if a1["skills"] != [{"name": "language-it", "proficiency": 3}]:
        fail(f"agent1's skills are {a1['skills']}")
    if list(queues_of("agent1")) != ["info"] or \
            queues_of("agent1")["info"]["source"] != "file":
        fail(f"agent1's queues are {a1['queues']}")
    if members("health") != 1 or members("info") != 1:
        fail("the file's memberships are not what the engine has")

    # who may move whom
    expect(403, move(MARIA, "agent1", "health", {"member": True}),
           "an agent moving itself")
    expect(404, move(OSUP, "agent1", "health", {"member": True}),
           "another tenant's supervisor")
    expect(404, move(SUP, "agent1", "ot", {"member": True}),
           "a queue of another tenant")
    expect(404, move(SUP, "o1", "health", {"member": True}),
           "an agent of another tenant")
    body = expect(400, move(SUP, "agent1", "health", {"member": "yes"}),
                  "a member that is not a boolean")
    if "member" not in body.get("error", {}).get("message", ""):
        fail(f"the 400 does not name the field: {body}")
    expect(400, move(SUP, "agent1", "health",
                     {"member": True, "priority": 10 ** 7}),
           "a priority out of range")
    expect(409, req("DELETE", "/api/v1/agents/demo/agent1/queues/health",
                    SUP), "restoring what was not moved")

    # a chat waits in health, where nobody is ready...
    expect(200, req("PUT", "/api/v1/agents/demo/agent1/state", MARIA,
                    {"state": "ready"}), "agent1 ready")
    c = expect(201, req("POST", "/api/v1/contacts", SUP,
                        {"tenant": "demo", "queue": "health",
                         "channel": "chat", "data": {"name": "Ada"}}),
               "a chat in health")
    if c["state"] != "waiting":
        fail(f"the chat did not wait: {c}")
    # ...until the supervisor moves agent1 in: it is offered at once
    a1 = expect(200, move(SUP, "agent1", "health", {"member": True,
                                                    "priority": 5}),
                "agent1 into health")
    q = {x["name"]: x for x in a1["queues"]}
    if q.get("health", {}).get("source") != "override" or \
            q["health"]["priority"] != 5 or q["health"]["changed_by"] != "sup":
        fail(f"the answer does not show the move: {a1['queues']}")
    got = wait_for(lambda: (lambda r: r[1] if r[1].get("agent") else None)(
        req("GET", f"/api/v1/contacts/{c['id']}", SUP)),
        "the chat offered to agent1")
    if got["agent"] != "agent1":
        fail(f"the chat went to {got['agent']}")

    # out of info: the engine counts nobody there any more
    expect(200, move(SUP, "agent1", "info", {"member": False}),
           "agent1 out of info")
    if members("info") != 0 or members("health") != 2:
        fail("the engine does not have the moves")
    if queues_of("agent1")["info"]["member"] is not False:
        fail("agent1 is still shown in info")

    # a reload keeps the moves
    expect(200, req("POST", "/api/v1/reload", ADMIN), "reload")
    if members("info") != 0 or members("health") != 2:
        fail("a reload undid the supervisor's moves")
    acts = audit_acts()
    for act, queue in (("member-added", "health"), ("member-removed", "info")):
        if (act, f"agent demo/agent1 queue {queue}", "sup") not in acts:
            fail(f"no {act} of {queue} in the audit log: {acts[:5]}")


def phase_restart():
    if members("info") != 0 or members("health") != 2:
        fail("a restart undid the supervisor's moves")
    q = queues_of("agent1")
    if q["health"]["source"] != "override" or q["info"]["member"]:
        fail(f"after the restart agent1's queues are {q}")
    # back to the file
    a1 = expect(200, req("DELETE", "/api/v1/agents/demo/agent1/queues/health",
                         SUP), "restore health")
    if "health" in {x["name"] for x in a1["queues"]}:
        fail("health is still listed after the restore")
    expect(200, req("DELETE", "/api/v1/agents/demo/agent1/queues/info", SUP),
           "restore info")
    if members("info") != 1 or members("health") != 1:
        fail("the restore did not bring back the file's memberships")
    if queues_of("agent1")["info"] != {"name": "info", "member": True,
                                       "priority": 0, "source": "file"}:
        fail(f"agent1's info after the restore: {queues_of('agent1')}")
    if ("member-restored", "agent demo/agent1 queue info", "sup") not in \
            audit_acts():
        fail("no member-restored in the audit log")
    # the other tenant's supervisor never sees demo's acts
    rows = expect(200, req("GET", "/api/v1/audit", OSUP), "audit")["audit"]
    if any(r.get("tenant") == "demo" for r in rows):
        fail("another tenant reads demo's audit log")


{"move": phase_move, "restart": phase_restart}[PHASE]()
print(f"ok   web_members: {PHASE}")
