// ws_client.mjs - the WebSocket side of tests/integration/web_ws.sh, as
// an independent client: Node's WebSocket (undici, RFC 6455) and fetch.
// Usage: node --experimental-websocket ws_client.mjs http://127.0.0.1:PORT
// Every wait is on a message or a close, each with its own deadline;
// nothing sleeps to synchronise. Prints "ok ..." lines; exits 1 on the
// first failure.
import net from 'node:net';

const BASE = process.argv[2];
const WS = BASE.replace(/^http/, 'ws') + '/api/v1/events';
const WAIT_MS = 10000;

function die(what) {
	console.error('FAIL web_ws: ' + what);
	process.exit(1);
}
function ok(what) {
	console.log('ok   web_ws: ' + what);
}
setTimeout(() => die('the client did not finish within 60 s'), 60000).unref();

async function login(user, password, session) {
	const body = { user, password };
	if (session) body.session = session;
	const r = await fetch(BASE + '/api/v1/login', {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(body),
	});
	if (r.status !== 200) die(`login of ${user}: ${r.status}`);
	return { body: await r.json(), cookie: r.headers.get('set-cookie') };
}

async function call(method, path, token, body) {
	const r = await fetch(BASE + path, {
		method,
		headers: {
			authorization: 'Bearer ' + token,
			'content-type': 'application/json',
		},
		body: body ? JSON.stringify(body) : undefined,
	});
	if (r.status !== 200) die(`${method} ${path}: ${r.status} ${await r.text()}`);
	return r;
}

const state = (token, agent, s, reason) =>
	call('PUT', `/api/v1/agents/${agent}/state`, token,
	     reason ? { state: s, reason } : { state: s });

// One WebSocket and every message it received, in order.
class Feed {
	constructor(name, headers, query = '') {
		this.name = name;
		this.msgs = [];
		this.wake = () => {};
		this.ws = new WebSocket(WS + query, { headers });
		this.closed = new Promise((resolve) => {
			this.ws.onclose = (e) => {
				this.closeCode = e.code;
				resolve(e);
				this.wake();
			};
		});
		this.ws.onmessage = (e) => {
			this.msgs.push(JSON.parse(e.data));
			this.wake();
		};
		this.ws.onerror = () => {};
	}

	// The index of the first message at or after from matching pred.
	async until(what, pred, from = 0) {
		const deadline = Date.now() + WAIT_MS;
		for (;;) {
			const i = this.msgs.findIndex((m, k) => k >= from && pred(m));
			if (i >= 0) return i;
			if (this.closeCode !== undefined)
				die(`${this.name}: closed (${this.closeCode}) before ${what}`);
			const left = deadline - Date.now();
			if (left <= 0)
				die(`${this.name}: no ${what} within ${WAIT_MS} ms; got ` +
				    JSON.stringify(this.msgs));
			await new Promise((resolve) => {
				const t = setTimeout(resolve, left);
				this.wake = () => {
					clearTimeout(t);
					resolve();
				};
			});
		}
	}

	async close() {
		this.ws.close();
		await this.closed;
	}
}

const isState = (agent, s) => (m) =>
	m.type === 'agent-state' && m.agent === agent && m.state === s;
const bearer = (token) => ({ authorization: 'Bearer ' + token });

// The status line of a raw handshake: what a browser's would get.
function handshake(headers) {
	const url = new URL(BASE);
	return new Promise((resolve) => {
		const sock = net.connect(Number(url.port), url.hostname, () => {
			sock.write('GET /api/v1/events HTTP/1.1\r\n' +
			           `Host: ${url.host}\r\n` +
			           'Upgrade: websocket\r\nConnection: Upgrade\r\n' +
			           'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n' +
			           'Sec-WebSocket-Version: 13\r\n' +
			           Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('') +
			           '\r\n');
		});
		let text = '';
		sock.on('data', (d) => {
			text += d;
			if (text.includes('\r\n')) {
				resolve(text.split('\r\n')[0]);
				sock.destroy();
			}
		});
		sock.on('error', (e) => resolve('error ' + e.message));
	});
}

const sup = (await login('sup', 'sup-pw')).body.token;
const olga = (await login('olga', 'olga-pw')).body.token;
const admin = (await login('admin', 'admin-pw')).body.token;

// ref watches both tenants all along; a is sup's first connection.
const ref = new Feed('admin', bearer(admin));
const a = new Feed('sup', bearer(sup));
const o = new Feed('olga', bearer(olga));
for (const f of [ref, a, o]) await f.until('hello', (m) => m.type === 'hello');
const epoch = a.msgs[0].epoch;
if (!/^[0-9a-f]{16}$/.test(epoch)) die(`hello without an epoch: ${JSON.stringify(a.msgs[0])}`);

await state(sup, 'demo/agent1', 'ready');
const pushed = a.msgs[await a.until('agent1 ready', isState('agent1', 'ready'))];
if (pushed.tenant !== 'demo' || typeof pushed.seq !== 'number' || pushed.previous !== 'offline')
	die(`the pushed event: ${JSON.stringify(pushed)}`);
ok(`agent1 ready pushed to sup (seq ${pushed.seq})`);
await a.close();
const resumeSeq = a.msgs[a.msgs.length - 1].seq;

// Missed while away.
await state(sup, 'demo/agent1', 'not-ready', 'lunch');
await state(sup, 'demo/agent2', 'ready');
await state(sup, 'demo/agent1', 'ready');
await ref.until('agent1 ready again', isState('agent1', 'ready'),
                (await ref.until('lunch', isState('agent1', 'not-ready'))) + 1);

const b = new Feed('sup resumed', bearer(sup), `?resume=${epoch}:${resumeSeq}`);
await b.until('hello', (m) => m.type === 'hello');
if (b.msgs[0].resumed !== true || b.msgs[0].seq !== resumeSeq)
	die(`resume hello: ${JSON.stringify(b.msgs[0])}`);
// A barrier: one more change, awaited in both streams.
await state(sup, 'demo/agent2', 'not-ready');
const bEnd = await b.until('barrier', isState('agent2', 'not-ready'));
const refEnd = await ref.until('barrier', isState('agent2', 'not-ready'));
const want = ref.msgs.slice(1, refEnd + 1)
	.filter((m) => m.seq > resumeSeq && m.tenant === 'demo');
const got = b.msgs.slice(1, bEnd + 1);
if (JSON.stringify(got) !== JSON.stringify(want))
	die(`resumed stream differs:\n got  ${JSON.stringify(got)}\n want ${JSON.stringify(want)}`);
const seqs = got.map((m) => m.seq);
if (seqs.some((s, i) => i && s <= seqs[i - 1]))
	die(`seqs not increasing: ${seqs}`);
const changes = got.filter((m) => m.type === 'agent-state')
	.map((m) => `${m.agent}:${m.state}${m.reason ? ':' + m.reason : ''}`);
if (changes.join(' ') !== 'agent1:not-ready:lunch agent2:ready agent1:ready agent2:not-ready')
	die(`the missed changes: ${changes.join(' ')}`);
ok(`resumed after seq ${resumeSeq}: exactly the ${got.length - 1} missed events, in order, then live`);

// The other tenant saw none of it.
await state(olga, 'other/agent9', 'ready');
const oEnd = await o.until('agent9 ready', isState('agent9', 'ready'));
const leaked = o.msgs.slice(1, oEnd).concat(o.msgs.slice(oEnd + 1));
if (leaked.length || o.msgs.some((m) => m.tenant === 'demo'))
	die(`olga saw: ${JSON.stringify(o.msgs)}`);
if (b.msgs.some((m) => m.agent === 'agent9'))
	die(`sup saw agent9: ${JSON.stringify(b.msgs)}`);
ok('a supervisor of tenant other sees none of demo, and the reverse');

// A token of another epoch (a restarted daemon): one reset.
const c = new Feed('sup reset', bearer(sup), '?resume=0000000000000000:1');
await c.until('reset', (m) => m.type === 'reset');
if (c.msgs[0].type !== 'reset' || c.msgs[0].reason !== 'epoch' || c.msgs[0].epoch !== epoch)
	die(`reset: ${JSON.stringify(c.msgs)}`);
await c.close();
ok('a token of another epoch gets a reset');

// A browser: the session cookie, from a page of this server only.
const m = await login('maria', 'maria-pw', 'cookie');
if (!m.cookie || !/HttpOnly/.test(m.cookie) || m.body.token)
	die(`cookie login: ${m.cookie} ${JSON.stringify(m.body)}`);
const cookie = m.cookie.split(';')[0];
const evil = await handshake({ Cookie: cookie, Origin: 'http://evil.example' });
if (!evil.startsWith('HTTP/1.1 403')) die(`foreign Origin answered ${evil}`);
const none = await handshake({ Cookie: cookie });
if (!none.startsWith('HTTP/1.1 403')) die(`no Origin answered ${none}`);
const mf = new Feed('maria', { cookie, origin: BASE });
await mf.until('hello', (x) => x.type === 'hello');
await state(sup, 'demo/agent2', 'ready');
await state(sup, 'demo/agent1', 'not-ready', 'coffee');
const mi = await mf.until('her own change', isState('agent1', 'not-ready'));
if (mf.msgs.slice(1, mi).length || mf.msgs.some((x) => x.agent === 'agent2'))
	die(`maria saw another agent: ${JSON.stringify(mf.msgs)}`);
ok(`cookie WebSocket (Origin checked: ${evil.slice(9, 12)}, ${none.slice(9, 12)}); an agent sees only itself`);

// Logout closes the session's sockets.
await call('POST', '/api/v1/logout', sup);
const closedB = await b.closed;
if (closedB.code !== 1008) die(`logout closed sup's socket with ${closedB.code}`);
ok('logout closes the session\'s WebSocket (1008)');

const metrics = await (await fetch(BASE + '/metrics')).text();
const opened = Number((metrics.match(/^centralino_ws_connections_total (\d+)$/m) || [])[1]);
const sent = Number((metrics.match(/^centralino_ws_messages_total (\d+)$/m) || [])[1]);
if (!(opened >= 6 && sent >= 10)) die(`metrics: connections ${opened}, messages ${sent}`);
ok(`metrics: ${opened} WebSockets opened, ${sent} messages`);
for (const f of [ref, o, mf]) await f.close();
process.exit(0);
