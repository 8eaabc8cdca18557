// agent_gone.mjs - an agent's desktop that goes away gives its chats
// back; one that comes back within the grace keeps them.
//
// usage: node --experimental-websocket agent_gone.mjs BASE LOG
import { readFileSync } from 'node:fs';

const [base, log] = [process.argv[2], process.argv[3]];
const ws = base.replace(/^http/, 'ws');
const fail = (m) => { console.error(`FAIL web_agent_gone: ${m}`); process.exit(1); };

async function call(method, path, token, body, headers = {}) {
	const r = await fetch(base + path, { method,
		headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'application/json', ...headers },
		body: body && JSON.stringify(body) });
	const j = await r.json().catch(() => ({}));
	return { status: r.status, j };
}

// A log line, awaited: the daemon says when the grace is over.
async function logLine(re, ms = 10000) {
	const end = Date.now() + ms;
	while (Date.now() < end) {
		if (re.test(readFileSync(log, 'utf8'))) return;
		await new Promise((r) => setTimeout(r, 50)); // polling a file
	}
	fail(`no log line ${re}`);
}

function desktop(token) {
	return new Promise((resolve, reject) => {
		const s = new WebSocket(`${ws}/api/v1/events`, { headers: { authorization: `Bearer ${token}` } });
		s.onopen = () => resolve(s);
		s.onerror = () => reject(new Error('ws'));
	});
}

function closed(s) {
	return new Promise((r) => { s.onclose = r; s.close(); });
}

const maria = (await call('POST', '/api/v1/login', null, { user: 'maria', password: 'maria-pw' })).j.token;
const sup = (await call('POST', '/api/v1/login', null, { user: 'sup', password: 'sup-pw' })).j.token;

async function chatTaken(name) {
	const c = (await call('POST', '/api/v1/chats', null, { tenant: 'demo', queue: 'info', name })).j;
	const vt = { 'x-chat-token': c.token };
	if ((await call('PUT', '/api/v1/agents/demo/agent1/state', maria, { state: 'ready' })).status !== 200) fail('ready');
	const acc = await call('POST', `/api/v1/contacts/${c.id}/accept`, maria);
	if (acc.status !== 200 || acc.j.state !== 'connected') fail(`accept: ${acc.status} ${JSON.stringify(acc.j)}`);
	return { id: c.id, vt };
}

// 1. a blip: the desktop comes back within the grace and keeps its chat
let d = await desktop(maria);
const one = await chatTaken('Ada');
await closed(d);
d = await desktop(maria);
await logLine(/event=agent\.desktop-back agent=agent1/);
let v = (await call('GET', `/api/v1/chats/${one.id}`, null, undefined, one.vt)).j;
if (v.state !== 'connected') fail(`after a blip the chat is ${v.state}`);
console.log('ok   web_agent_gone: a desktop back within the grace keeps its chat');

// 2. a second chat waits behind the first; then the desktop goes for good
const two = (await call('POST', '/api/v1/chats', null, { tenant: 'demo', queue: 'info', name: 'Bruno' })).j;
await closed(d);
await logLine(/event=agent\.desktop-gone agent=agent1 requeued=1/);
v = (await call('GET', `/api/v1/chats/${one.id}`, null, undefined, one.vt)).j;
if (v.state !== 'waiting' || v.position !== 1 || v.agent !== null)
	fail(`the first chat is not back first in line: ${JSON.stringify(v)}`);
const b = (await call('GET', `/api/v1/chats/${two.id}`, null, undefined, { 'x-chat-token': two.token })).j;
if (b.position !== 2) fail(`the later chat is not behind it: ${JSON.stringify(b)}`);
const agents = (await call('GET', '/api/v1/agents', sup)).j.agents;
const a1 = agents.find((a) => a.name === 'agent1');
if (a1.state !== 'not-ready') fail(`agent1 is ${a1.state}, not not-ready`);
// the visitor's conversation goes on with the next agent
const msg = await call('POST', `/api/v1/chats/${one.id}/messages`, null, { client_id: 'v9', body: 'ci siete?' }, one.vt);
if (msg.status !== 201) fail(`the visitor cannot write while waiting again: ${msg.status}`);
console.log('ok   web_agent_gone: gone for good: the chat back first in line, agent1 not ready, the visitor still writing');
process.exit(0);
