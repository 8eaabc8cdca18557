// load.mjs - the web side under load: AGENTS agent users signed in, each
// with its own events WebSocket open, while WORKERS clients hammer the
// common reads and the agents' state changes. Prints one JSON object:
// requests per second and latency percentiles per kind, how long a state
// change takes to reach the agent's own WebSocket, and the event loop's
// lag (centralino_loop_lag_seconds) during each phase: the delay the web
// side adds to every call's audio on the same loop.
//
// usage: node --experimental-websocket load.mjs BASE AGENTS WORKERS SECONDS
const [base, nAgents, nWorkers, seconds] = [process.argv[2],
	+process.argv[3], +process.argv[4], +process.argv[5]];
const wsBase = base.replace(/^http/, 'ws');

function pct(v, p) {
	if (!v.length) return null;
	const s = [...v].sort((a, b) => a - b);
	return +s[Math.min(s.length - 1, Math.floor(p * s.length))].toFixed(2);
}

async function req(method, path, token, body) {
	const t0 = performance.now();
	const r = await fetch(base + path, {
		method,
		headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
		body: body && JSON.stringify(body),
	});
	await r.arrayBuffer();
	if (!r.ok) throw new Error(`${method} ${path}: ${r.status}`);
	return performance.now() - t0;
}

async function lag() {
	const t = await (await fetch(base + '/metrics')).text();
	const get = (re) => +(t.match(re) || [0, 0])[1];
	const b = {};
	for (const m of t.matchAll(/centralino_loop_lag_seconds_bucket\{le="([^"]+)"\} (\d+)/g)) b[m[1]] = +m[2];
	return { buckets: b, count: get(/centralino_loop_lag_seconds_count (\d+)/),
		sum: get(/centralino_loop_lag_seconds_sum ([\d.]+)/) };
}

function lagDelta(a, b) {
	const n = b.count - a.count;
	const over = (le) => n - ((b.buckets[le] || 0) - (a.buckets[le] || 0));
	return { samples: n, mean_ms: n ? +(((b.sum - a.sum) / n) * 1000).toFixed(2) : null,
		over_5ms: over('0.005'), over_20ms: over('0.020'), over_50ms: over('0.050') };
}

// sign every agent in (argon2id on the daemon's worker, one at a time)
const agents = [];
const tLogin = performance.now();
for (let i = 1; i <= nAgents; i++) {
	const r = await fetch(base + '/api/v1/login', { method: 'POST',
		body: JSON.stringify({ user: `u${i}`, password: 'pw' }) });
	const j = await r.json();
	if (!j.token) throw new Error(`login u${i}: ${JSON.stringify(j)}`);
	agents.push({ name: `a${i}`, token: j.token, waiting: null });
}
const loginS = (performance.now() - tLogin) / 1000;

// one WebSocket per agent; a state change awaits its own event
let opened = 0;
const openOne = (a) => new Promise((resolve, reject) => {
	const ws = new WebSocket(`${wsBase}/api/v1/events`, { headers: { authorization: `Bearer ${a.token}` } });
	a.ws = ws;
	ws.onopen = () => { opened++; resolve(); };
	ws.onerror = (e) => reject(new Error(`ws ${a.name}: ${e.message}`));
	ws.onmessage = (m) => {
		const ev = JSON.parse(m.data);
		if (ev.type === 'agent-state' && a.waiting && ev.state === a.waiting.state) {
			a.waiting.resolve(performance.now() - a.waiting.t0);
			a.waiting = null;
		}
	};
});
for (let i = 0; i < agents.length; i += 50) // 50 handshakes at a time
	await Promise.all(agents.slice(i, i + 50).map(openOne));

async function phase(name, op) {
	const lat = [];
	let errors = 0;
	const l0 = await lag();
	const end = performance.now() + seconds * 1000;
	await Promise.all(Array.from({ length: nWorkers }, (_, w) => (async () => {
		let k = w;
		while (performance.now() < end) {
			try {
				lat.push(await op(k));
			} catch {
				errors++;
			}
			k += nWorkers;
		}
	})()));
	const l1 = await lag();
	return { [name]: { requests: lat.length, errors, per_s: +(lat.length / seconds).toFixed(0),
		p50_ms: pct(lat, 0.5), p99_ms: pct(lat, 0.99), max_ms: pct(lat, 1), loop_lag: lagDelta(l0, l1) } };
}

const supTok = agents[0].token;
const out = { agents: nAgents, websockets_open: opened, workers: nWorkers, seconds_per_phase: seconds,
	sign_in_all_s: +loginS.toFixed(2) };
const idle0 = await lag();
await new Promise((r) => setTimeout(r, 2000)); // the idle baseline
out.idle_loop_lag = lagDelta(idle0, await lag());
Object.assign(out, await phase('read_queues', () => req('GET', '/api/v1/queues', supTok)));
Object.assign(out, await phase('read_agent_self', (k) => req('GET', '/api/v1/agents', agents[k % nAgents].token)));
const pushed = [];
Object.assign(out, await phase('state_change', async (k) => {
	const a = agents[k % nAgents];
	const state = (k / nAgents) % 2 < 1 ? 'ready' : 'not-ready';
	const got = new Promise((resolve) => { a.waiting = { state, resolve, t0: performance.now() }; });
	const ms = await req('PUT', `/api/v1/agents/bench/${a.name}/state`, a.token, { state, reason: 'bench' });
	pushed.push(await Promise.race([got, new Promise((r) => setTimeout(() => r(null), 2000))]));
	return ms;
}));
const ok = pushed.filter((v) => v !== null);
out.state_change.event_on_own_websocket = { delivered: ok.length, missing: pushed.length - ok.length,
	p50_ms: pct(ok, 0.5), p99_ms: pct(ok, 0.99) };
for (const a of agents) a.ws.close();
console.log(JSON.stringify(out, null, 2));
process.exit(0);
