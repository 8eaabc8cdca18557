// app.js - the supervisor's wallboard (docs/pages.md): per queue the
// contacts waiting, the oldest wait, the service level and the agents by
// state; the live contacts; each agent's state and time in it.
//
// Read once through REST, then kept live by the events WebSocket: every
// event of a queue carries its waiting count and oldest wait, applied at
// once; an agent-state event moves its agent; the other figures (service
// level, answered, agents per state, the live contacts) are read again
// after the events that change them, at most twice a second however busy
// the queues are. Times move on with the local clock.
import { api, Events, clock, el } from '../common/api.js';
import { t, language, translate, onLanguage, languagePicker, startLanguage } from '../common/i18n.js';
import { setupSignIn } from '../common/signin.js';

const $ = (id) => document.getElementById(id);
const REREAD_MS = 500;

const board = {
	tenants: 1,
	role: 'agent',
	lang: 0, // bumped on a language change: the rows are built again
	flows: [], // {tenant, name, emergency}: supervisors only
	queues: new Map(), // "tenant/name" -> queue, with oldestAt
	agents: new Map(), // "tenant/name" -> {state, since}
	contacts: [],
	chart: null, // [{offered, answered}] per 15 minutes, oldest first
};
let events = null;
let reread = null;
let rereadContacts = false;

function showError(e) {
	$('board-error').textContent = e ? t('error.generic', { message: e.message || String(e) }) : '';
}

function label(tenant, name) {
	return board.tenants > 1 ? `${name} (${tenant})` : name;
}

function percent(v) {
	return typeof v === 'number' ? `${Math.round(v * 100)} %` : '—';
}

// ---- reading -----------------------------------------------------------

const supervisor = () => board.role === 'supervisor' || board.role === 'administrator';

async function readQueues() {
	const j = await api('GET', '/api/v1/queues');
	const now = Date.now();
	board.queues = new Map(j.queues.map((q) => [`${q.tenant}/${q.name}`, { ...q, oldestAt: now }]));
}

async function readAgents() {
	const j = await api('GET', '/api/v1/agents');
	const now = Date.now();
	const next = new Map();
	for (const a of j.agents) {
		const key = `${a.tenant}/${a.name}`;
		const old = board.agents.get(key);
		next.set(key, { ...a, since: old && old.state === a.state ? old.since : now });
	}
	board.agents = next;
}

async function readFlows() {
	if (!supervisor()) return;
	const j = await api('GET', '/api/v1/flows');
	board.flows = j.flows;
}

async function readContacts() {
	try {
		const j = await api('GET', '/api/v1/contacts');
		board.contacts = j.contacts;
	} catch (e) {
		if (e.status !== 409) throw e; // 409: no desk on this daemon
		board.contacts = [];
	}
}

// Read the queues (and the contacts, when asked) again soon, once.
function soon(contacts) {
	rereadContacts = rereadContacts || contacts;
	if (reread) return;
	reread = setTimeout(async () => {
		const withContacts = rereadContacts;
		rereadContacts = false;
		try {
			await readQueues();
			if (withContacts) await readContacts();
			draw();
		} catch (e) {
			showError(e);
		}
		reread = null;
	}, REREAD_MS);
}

async function sync() {
	try {
		showError(null);
		await Promise.all([readQueues(), readAgents(), readContacts(), readChart(), readFlows()]);
		draw();
	} catch (e) {
		showError(e);
	}
}

// ---- drawing --------------------------------------------------------------

function cell(text, cls) {
	return el('td', { class: cls }, String(text));
}

function drawQueues() {
	const now = Date.now();
	const rows = [...board.queues.values()].map((q) => {
		const oldest = q.waiting > 0 ? clock(q.oldest_wait_ms + (now - q.oldestAt)) : '—';
		return el('tr', { 'data-queue': `${q.tenant}/${q.name}` },
			el('th', { scope: 'row' }, label(q.tenant, q.name)),
			cell(q.waiting, 'num big waiting'),
			cell(oldest, 'num oldest'),
			cell(percent(q.service_level), 'num sl'),
			cell(typeof q.asa_ms === 'number' ? clock(q.asa_ms) : '—', 'num asa'),
			cell(q.answered, 'num'),
			cell(q.abandoned, 'num'),
			cell(q.agents.ready, 'num'),
			cell(q.agents.busy + (q.agents.reserved || 0), 'num'),
			cell(q.agents['wrap-up'], 'num'),
			cell(q.agents['not-ready'], 'num'));
	});
	$('queues').tBodies[0].replaceChildren(...rows);
	// the counters are today's: since local midnight, or the daemon's
	// start later that day (docs/api.md)
	const since = [...new Set([...board.queues.values()].map((q) => q.since).filter(Boolean))];
	$('queues-since').textContent = since.length === 1
		? t('wall.countsince', { time: new Date(since[0]).toLocaleString(language(), { dateStyle: 'short', timeStyle: 'short' }) })
		: since.length ? t('wall.countmidnight') : '';
}

// ---- supervising a live call (docs/voice.md, "Supervision") ----------------

const MODES = ['listen', 'whisper', 'barge'];
const PHONE_KEY = 'wallboard.phone';

// What the supervisor can do to contact c now: nothing unless it is a
// phone call connected to an agent; one button per mode (a change of
// mode while supervising) and Stop.
function superviseSignature(c) {
	const s = c.call && c.call.supervision;
	if (!supervisor() || c.channel !== 'voice' || c.state !== 'connected' || !c.call) return 'none';
	return s ? `${s.mode}/${s.phone}` : 'idle';
}

function superviseControl(c) {
	const s = c.call && c.call.supervision;
	const sig = superviseSignature(c);
	if (sig === 'none') return [];
	const buttons = MODES.filter((m) => !s || s.mode !== m).map((m) =>
		el('button', {
			type: 'button',
			class: 'secondary',
			'data-mode': m,
			'aria-label': t('wall.svfor', { action: t(`wall.${m}`), id: c.id }),
			onclick: () => supervise(c.id, m, !!s),
		}, t(`wall.${m}`)));
	if (s)
		buttons.push(el('button', {
			type: 'button',
			class: 'reject',
			'aria-label': t('wall.svfor', { action: t('wall.stop'), id: c.id }),
			onclick: () => superviseStop(c.id),
		}, t('wall.stop')));
	const state = s
		? el('span', { class: 'sv-state', 'data-mode': s.mode },
			t('wall.svstate', { mode: t(`wall.sv.${s.mode}`), phone: t(`wall.sv.${s.phone}`) }))
		: null;
	return [state, el('span', { class: 'row' }, ...buttons)];
}

// The body naming the supervisor's phone: digits are a number, anything
// else the name of an agent they are registered as.
function myPhone() {
	const v = $('myphone').value.trim();
	if (!v) return null;
	return /^[+]?[0-9*#]+$/.test(v) ? { number: v } : { agent: v };
}

async function superviseAct(id, path, body, focusMode) {
	$('contacts-error').textContent = '';
	try {
		await api('POST', `/api/v1/contacts/${id}/${path}`, body);
		await readContacts();
		draw();
		const row = contactRows.get(String(id));
		(row && (row.control.querySelector(`button[data-mode="${focusMode}"]`) ||
			row.control.querySelector('button')))?.focus();
	} catch (e) {
		$('contacts-error').textContent = t('error.generic', { message: e.message });
	}
}

function supervise(id, mode, changing) {
	if (changing) return superviseAct(id, 'supervise/mode', { mode }, mode);
	const phone = myPhone();
	if (!phone) {
		$('contacts-error').textContent = t('wall.nophone');
		$('myphone').focus();
		return null;
	}
	return superviseAct(id, 'supervise', { mode, ...phone }, mode);
}

function superviseStop(id) {
	return superviseAct(id, 'supervise/stop', undefined, 'listen');
}

// The contacts' rows are kept and updated in place, as the agents' are,
// so that a supervisor's button keeps the keyboard focus across redraws.
const contactRows = new Map(); // id -> {tr, cells, control, sig}

function contactRow(c) {
	const key = String(c.id);
	let r = contactRows.get(key);
	if (!r || r.lang !== board.lang) {
		const cells = ['channel', 'queue', 'state', 'agent', 'who', 'waited'].map((n) =>
			cell('', n === 'waited' ? 'num' : n));
		const control = el('td', { class: 'sup-only supervise' });
		control.hidden = !supervisor();
		const tr = el('tr', { 'data-key': c.id }, el('th', { scope: 'row' }, `#${c.id}`), ...cells, control);
		r = { tr, cells, control, sig: null, lang: board.lang };
		contactRows.set(key, r);
	}
	return r;
}

function drawContacts() {
	const now = Date.now();
	const body = $('contacts').tBodies[0];
	const rows = board.contacts.map((c) => {
		const r = contactRow(c);
		const created = Date.parse(c.created) || now;
		const text = [t(`ch.${c.channel}`), label(c.tenant, c.queue), t(`cs.${c.state}`), c.agent || '—',
			(c.data && c.data.name) || '—', clock(now - created)];
		text.forEach((v, i) => {
			if (r.cells[i].textContent !== v) r.cells[i].textContent = v;
		});
		const sig = superviseSignature(c);
		if (sig !== r.sig) {
			r.control.replaceChildren(...superviseControl(c));
			r.sig = sig;
		}
		return r.tr;
	});
	const live = new Set(board.contacts.map((c) => String(c.id)));
	for (const key of contactRows.keys()) if (!live.has(key)) contactRows.delete(key);
	if (!rows.length) {
		body.replaceChildren(el('tr', {}, el('td', { colspan: '8', class: 'empty' }, t('wall.none'))));
		return;
	}
	const same = rows.length === body.children.length && rows.every((tr, i) => body.children[i] === tr);
	if (!same) body.replaceChildren(...rows);
}

// The queues an agent answers now; a supervisor's move is marked.
function agentQueues(a) {
	const names = (a.queues || []).filter((q) => q.member).map((q) =>
		q.source === 'override' ? t('wall.moved', { queue: q.name, user: q.changed_by || '' }) : q.name);
	return names.length ? names.join(', ') : '—';
}

function stateControl(a) {
	const select = el('select', { class: 'force', 'aria-label': t('wall.forcestate', { agent: a.name }) },
		...['ready', 'not-ready', 'offline'].map((s) => el('option', { value: s }, t(`st.${s}`))));
	select.value = a.state === 'ready' || a.state === 'offline' ? a.state : 'not-ready';
	return el('span', { class: 'row' }, select,
		el('button', {
			type: 'button',
			class: 'secondary',
			'aria-label': t('wall.forceset', { agent: a.name }),
			onclick: () => forceState(board.agents.get(`${a.tenant}/${a.name}`) || a, select.value),
		}, t('wall.set')),
		el('button', {
			type: 'button',
			class: 'secondary',
			'aria-label': t('wall.moveagent', { agent: a.name }),
			onclick: () => openMove(board.agents.get(`${a.tenant}/${a.name}`) || a),
		}, t('wall.move')));
}

// The agents' rows are kept and updated in place, so that a supervisor
// choosing a state in a row does not lose the choice (or the focus)
// when the clock or an event draws the table again.
const agentRows = new Map(); // "tenant/name" -> {tr, cells, control}

function agentRow(key, a) {
	let r = agentRows.get(key);
	if (r && r.lang === board.lang) return r;
	const cells = { state: cell('', 'state'), since: cell('', 'num'), queues: cell('', 'queues') };
	const control = supervisor() ? el('td', {}, stateControl(a)) : null;
	const tr = el('tr', { 'data-agent': key }, el('th', { scope: 'row' }, label(a.tenant, a.name)),
		cells.state, cells.since, cells.queues, control);
	r = { tr, cells, control, lang: board.lang, state: null };
	agentRows.set(key, r);
	return r;
}

function drawAgents() {
	const now = Date.now();
	const body = $('agents').tBodies[0];
	const rows = [];
	for (const [key, a] of board.agents) {
		const r = agentRow(key, a);
		r.tr.dataset.state = a.state;
		r.cells.state.textContent = t(`st.${a.state}`);
		r.cells.since.textContent = clock(now - a.since);
		r.cells.queues.textContent = agentQueues(a);
		const select = r.control && r.control.querySelector('select');
		if (select && r.state !== a.state && document.activeElement !== select)
			select.value = a.state === 'ready' || a.state === 'offline' ? a.state : 'not-ready';
		r.state = a.state;
		rows.push(r.tr);
	}
	for (const key of agentRows.keys()) if (!board.agents.has(key)) agentRows.delete(key);
	const same = rows.length === body.children.length && rows.every((tr, i) => body.children[i] === tr);
	if (!same) body.replaceChildren(...rows);
}

let flowsDrawn = ''; // what the list shows: drawn again only on a change

function drawFlows() {
	$('emergency').hidden = !supervisor() || !board.flows.length;
	const now = JSON.stringify([board.lang, board.flows]);
	if (now === flowsDrawn) return;
	flowsDrawn = now;
	const items = board.flows.map((f) =>
		el('li', { 'data-flow': `${f.tenant}/${f.name}`, 'data-emergency': f.emergency ? 'on' : 'off' },
			el('span', { class: 'flow-state' }, `${label(f.tenant, f.name)}: ${t(f.emergency ? 'wall.emergencyon' : 'wall.emergencyoff')}`),
			el('button', {
				type: 'button',
				class: f.emergency ? 'secondary' : 'reject',
				'aria-pressed': f.emergency ? 'true' : 'false',
				'aria-label': t('wall.emergencyfor', { flow: f.name }),
				onclick: () => switchEmergency(f, !f.emergency),
			}, t(f.emergency ? 'wall.emergencyswitchoff' : 'wall.emergencyswitchon'))));
	$('flows').replaceChildren(...items);
}

// ---- a supervisor's acts --------------------------------------------------

async function forceState(a, state) {
	$('agent-error').textContent = '';
	try {
		const body = state === 'not-ready' ? { state, reason: 'supervisor' } : { state };
		await api('PUT', `/api/v1/agents/${enc(a.tenant)}/${enc(a.name)}/state`, body);
		await readAgents();
		draw();
	} catch (e) {
		$('agent-error').textContent = t('error.generic', { message: e.message });
	}
}

async function switchEmergency(f, on) {
	$('emergency-error').textContent = '';
	try {
		const j = await api('POST', `/api/v1/flows/${enc(f.tenant)}/${enc(f.name)}/emergency`, { on });
		f.emergency = j.emergency;
		drawFlows();
		$('flows').querySelector(`[data-flow="${f.tenant}/${f.name}"] button`)?.focus();
	} catch (e) {
		$('emergency-error').textContent = t('error.generic', { message: e.message });
	}
}

const enc = encodeURIComponent;
let moving = null; // the agent whose queues the dialog shows

// One line per queue of the agent's tenant: ticked if it answers it now;
// "Back to the file" where a supervisor's move stands.
function openMove(a) {
	moving = a;
	$('move-h').textContent = t('wall.movetitle', { agent: a.name });
	$('move-error').textContent = '';
	const mine = new Map((a.queues || []).map((q) => [q.name, q]));
	const items = [...board.queues.values()].filter((q) => q.tenant === a.tenant).map((q) => {
		const m = mine.get(q.name);
		const id = `move-${q.name}`;
		return el('li', { class: 'row' },
			el('input', { type: 'checkbox', id, name: q.name, checked: !!(m && m.member), 'data-was': m && m.member ? '1' : '0' }),
			el('label', { for: id }, q.name),
			m && m.source === 'override'
				? el('button', {
					type: 'button',
					class: 'secondary',
					'aria-label': t('wall.restorefor', { queue: q.name }),
					onclick: () => restore(q.name),
				}, t('wall.restore'))
				: null);
	});
	$('move-queues').replaceChildren(...items);
	$('move').showModal();
	$('move-queues').querySelector('input')?.focus();
}

async function afterMove() {
	await Promise.all([readAgents(), readQueues()]);
	draw();
}

async function restore(queue) {
	try {
		await api('DELETE', `/api/v1/agents/${enc(moving.tenant)}/${enc(moving.name)}/queues/${enc(queue)}`);
		$('move').close();
		await afterMove();
	} catch (e) {
		$('move-error').textContent = t('error.generic', { message: e.message });
	}
}

async function applyMove(ev) {
	ev.preventDefault();
	const a = moving;
	try {
		for (const box of $('move-queues').querySelectorAll('input[type=checkbox]')) {
			if ((box.dataset.was === '1') === box.checked) continue;
			await api('PUT', `/api/v1/agents/${enc(a.tenant)}/${enc(a.name)}/queues/${enc(box.name)}`,
				{ member: box.checked });
		}
		$('move').close();
		await afterMove();
	} catch (e) {
		$('move-error').textContent = t('error.generic', { message: e.message });
	}
}

$('move-form').addEventListener('submit', applyMove);
$('move-cancel').addEventListener('click', () => $('move').close());

function draw() {
	drawQueues();
	drawContacts();
	drawAgents();
	drawFlows();
}

// ---- the chart of the last hours ---------------------------------------------

const CHART_HOURS = 4;
const CHART_STEP_MIN = 15;
const SVG = 'http://www.w3.org/2000/svg';

function svg(name, attrs) {
	const n = document.createElementNS(SVG, name);
	for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, String(v));
	return n;
}

// Offered (light) and answered (dark) per 15 minutes, every queue the
// user sees summed, from the queue report (docs/reports.md); read again
// every minute. A user without the report (an agent) sees no chart.
async function readChart() {
	const step = CHART_STEP_MIN * 60000;
	const to = Math.ceil(Date.now() / step) * step;
	const from = to - CHART_HOURS * 3600000;
	let j;
	try {
		j = await api('GET', `/api/v1/reports/queues?from=${from}&to=${to}&interval=${CHART_STEP_MIN}`);
	} catch (e) {
		if (e.status === 403) {
			$('chart').hidden = true;
			return;
		}
		throw e;
	}
	const n = (to - from) / step;
	const slots = Array.from({ length: n }, () => ({ offered: 0, answered: 0 }));
	for (const row of j.queues) {
		const i = Math.floor((row.start_ms - from) / step);
		if (i < 0 || i >= n) continue;
		slots[i].offered += row.offered;
		slots[i].answered += row.answered;
	}
	board.chart = slots;
	drawChart();
}

function drawChart() {
	const slots = board.chart;
	const box = $('chart-svg');
	if (!slots) return;
	const max = Math.max(1, ...slots.map((s) => s.offered));
	const w = 640 / slots.length;
	const bars = [];
	slots.forEach((s, i) => {
		const ho = (s.offered / max) * 150;
		const ha = (s.answered / max) * 150;
		bars.push(svg('rect', { x: i * w + 1, y: 155 - ho, width: w - 2, height: ho, class: 'bar offered', 'data-offered': s.offered }));
		bars.push(svg('rect', { x: i * w + w / 4, y: 155 - ha, width: w / 2, height: ha, class: 'bar answered', 'data-answered': s.answered }));
	});
	bars.push(svg('line', { x1: 0, y1: 155, x2: 640, y2: 155, class: 'axis' }));
	box.replaceChildren(...bars);
	const offered = slots.reduce((a, s) => a + s.offered, 0);
	const answered = slots.reduce((a, s) => a + s.answered, 0);
	$('chart-sum').textContent = t('wall.chartsum', { offered, answered, peak: max });
}

// ---- events ----------------------------------------------------------------

function onEvent(m) {
	if (m.queue && m.waiting !== undefined) {
		const q = board.queues.get(`${m.tenant}/${m.queue}`);
		if (q) {
			q.waiting = m.waiting;
			q.oldest_wait_ms = m.oldest_wait_ms;
			q.oldestAt = Date.now();
		}
	}
	if (m.type === 'agent-state') {
		const key = `${m.tenant}/${m.agent}`;
		const a = board.agents.get(key) || { tenant: m.tenant, name: m.agent };
		a.state = m.state;
		a.since = Date.now();
		board.agents.set(key, a);
		soon(false);
	} else if (m.type !== 'chat-message') {
		soon(m.contact !== undefined);
	}
	draw();
}

function signedIn(session) {
	board.tenants = session.tenants.length;
	board.role = session.role;
	for (const n of document.querySelectorAll('.sup-only')) n.hidden = !supervisor();
	$('board').hidden = false;
	$('board-note').hidden = session.role !== 'agent';
	events = new Events(`wallboard-${session.user}`, onEvent, sync, (open) => {
		$('conn').hidden = open;
		$('live').hidden = !open;
		if (!open) signin.check();
	});
	events.start();
}

function signedOut() {
	if (events) events.stop();
	events = null;
	$('board').hidden = true;
	board.queues.clear();
	board.agents.clear();
	agentRows.clear();
	contactRows.clear();
	board.contacts = [];
}

const signin = setupSignIn(signedIn, signedOut);

setInterval(() => {
	if ($('board').hidden) return;
	draw();
	// a supervisor's phone that rings answers without an engine event
	if (board.contacts.some((c) => c.call && c.call.supervision && c.call.supervision.phone === 'ringing'))
		soon(true);
}, 1000);

$('myphone').value = localStorage.getItem(PHONE_KEY) || '';
$('myphone').addEventListener('change', () => localStorage.setItem(PHONE_KEY, $('myphone').value.trim()));

setInterval(() => {
	if (!$('board').hidden) {
		readChart().catch((e) => showError(e));
		readFlows().then(drawFlows).catch((e) => showError(e)); // switched elsewhere
	}
}, 60000);

onLanguage(() => {
	board.lang++;
	translate(document);
	if (!$('board').hidden) {
		draw();
		drawChart();
	}
});

languagePicker($('lang'));
startLanguage().then(() => signin.start()).catch((e) => showError(e));
