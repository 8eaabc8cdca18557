// app.js - the administration page (docs/pages.md): the on-call rotas,
// with the days a supervisor changes (a swap, a sick day), what the
// configuration file holds (read-only: the file owns it) and the audit
// log of administrative acts, newest first, older ones a page at a time.
//
// Rotas are not engine events: the page reads them when it opens, after
// every change it makes, and when "Refresh" is pressed. A change answers
// with the day as it now stands, drawn at once.
import { api, ApiError, el } from '../common/api.js';
import { t, language, translate, onLanguage, languagePicker, startLanguage } from '../common/i18n.js';
import { setupSignIn } from '../common/signin.js';

const $ = (id) => document.getElementById(id);
const DAYS = 14;

const admin = {
	session: null,
	rotas: [], // [{tenant, name, timezone, ring, people, escalation, days, editing, error}]
	config: null, // the file-owned lists, each {key: [...]} or {error}
	audit: [], // newest first
	auditMore: false, // a full page came: there may be older rows
};

function announce(text) {
	$('announce').textContent = text;
}

function message(e) {
	if (e instanceof ApiError && e.status === 403) return t('admin.forbidden');
	return t('error.generic', { message: e.message || String(e) });
}

function staff() {
	return admin.session && admin.session.role !== 'agent';
}

// "Wed 25 Nov": a rota's day (a calendar date, no time zone of its own).
function dayName(date) {
	const d = new Date(`${date}T12:00:00Z`);
	return d.toLocaleDateString(language(), { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' });
}

function names(people) {
	return people.length ? people.map((p) => p.name).join(', ') : '—';
}

function ordinal(n) {
	return t('rota.nth', { n });
}

// ---- reading ---------------------------------------------------------------

async function readRotas() {
	$('rotas-error').textContent = '';
	try {
		const j = await api('GET', '/api/v1/rotas');
		const rotas = await Promise.all(j.rotas.map(async (r) => {
			const d = await api('GET', `/api/v1/rotas/${encodeURIComponent(r.tenant)}/${encodeURIComponent(r.name)}?days=${DAYS}`);
			const old = admin.rotas.find((o) => o.tenant === r.tenant && o.name === r.name);
			return { ...r, ...d, editing: old?.editing || null, error: '' };
		}));
		admin.rotas = rotas;
	} catch (e) {
		$('rotas-error').textContent = message(e);
	}
	drawRotas();
}

// ---- drawing ---------------------------------------------------------------

function drawRotas() {
	$('rota-list').replaceChildren(...admin.rotas.map(rotaView));
	$('rotas-empty').hidden = admin.rotas.length > 0;
}

function rotaId(r) {
	return `rota-${admin.rotas.indexOf(r)}`;
}

function rotaTitle(r) {
	return (admin.session?.tenants?.length || 1) > 1 ? `${r.name} (${r.tenant})` : r.name;
}

function rotaView(r) {
	const id = rotaId(r);
	const today = r.days[0];
	const tomorrow = r.days[1];
	const summary = el('dl', { class: 'oncall' },
		el('dt', {}, t('rota.today', { day: dayName(today.date) })),
		el('dd', { class: 'today' }, names(today.duty)),
		tomorrow ? el('dt', {}, t('rota.tomorrow', { day: dayName(tomorrow.date) })) : null,
		tomorrow ? el('dd', { class: 'tomorrow' }, names(tomorrow.duty)) : null);
	const rows = r.days.map((d) => dayRow(r, d));
	const table = el('table', { class: 'days' },
		el('caption', {}, t('rota.days', { name: rotaTitle(r), n: r.days.length })),
		el('thead', {}, el('tr', {},
			el('th', { scope: 'col' }, t('rota.date')),
			el('th', { scope: 'col' }, t('rota.duty')),
			el('th', { scope: 'col' }, t('rota.calls')),
			el('th', { scope: 'col' }, t('rota.source')),
			el('th', { scope: 'col' }, t('rota.changedBy')),
			staff() ? el('th', { scope: 'col' }, el('span', { class: 'sr-only' }, t('rota.actions'))) : null)),
		el('tbody', {}, ...rows));
	return el('article', { class: 'rota', id, 'aria-labelledby': `${id}-h`, 'data-rota': `${r.tenant}/${r.name}` },
		el('h3', { id: `${id}-h` }, t('rota.heading', { name: rotaTitle(r) })),
		el('p', { class: 'empty' }, t('rota.about', { zone: r.timezone, ring: t(`rota.ring.${r.ring}`), escalation: r.escalation.length ? names(r.escalation) : t('rota.noEscalation') })),
		summary,
		r.error ? el('p', { class: 'error', role: 'alert' }, r.error) : null,
		table,
		r.editing ? editor(r, r.days.find((d) => d.date === r.editing)) : null);
}

function dayRow(r, d) {
	const change = staff()
		? el('td', {}, el('button', {
			type: 'button', class: 'secondary', id: `${rotaId(r)}-change-${d.date}`,
			'aria-label': t('rota.changeLabel', { day: dayName(d.date) }),
			'aria-expanded': String(r.editing === d.date),
			onclick: () => openEditor(r, d.date),
		}, t('rota.change')))
		: null;
	return el('tr', { 'data-date': d.date, 'data-source': d.source },
		el('th', { scope: 'row' }, dayName(d.date)),
		el('td', { class: 'duty' }, names(d.duty)),
		el('td', { class: 'calls' }, names(d.calls)),
		el('td', { class: 'source' }, t(`rota.src.${d.source}`)),
		el('td', { class: 'changed-by' }, d.changed_by || '—'),
		change);
}

// The form that changes a day: the people on duty in calling order, one
// select per place (a select says the order plainly, to a screen reader
// too); save, restore the file's duty, or cancel.
function editor(r, d) {
	if (!d) return null;
	const id = `${rotaId(r)}-edit`;
	const places = [];
	const n = Math.min(r.people.length, 8);
	for (let i = 0; i < n; i++) {
		const sel = el('select', { id: `${id}-${i}` },
			el('option', { value: '' }, t('rota.nobody')),
			...r.people.map((p) => el('option', { value: p.name }, p.number ? `${p.name} (${p.number})` : p.name)));
		sel.value = d.duty[i]?.name || '';
		places.push(el('div', { class: 'place' }, el('label', { for: sel.id }, ordinal(i + 1)), sel));
	}
	const error = el('p', { class: 'error', role: 'alert', id: `${id}-error` });
	const close = () => {
		r.editing = null;
		drawRotas();
		$(`${rotaId(r)}-change-${d.date}`)?.focus();
	};
	const send = async (method, body) => {
		error.textContent = '';
		try {
			const day = await api(method, `/api/v1/rotas/${encodeURIComponent(r.tenant)}/${encodeURIComponent(r.name)}/overrides/${d.date}`, body);
			const i = r.days.findIndex((x) => x.date === day.date);
			if (i >= 0) r.days[i] = day;
			announce(t('rota.saved', { day: dayName(day.date), duty: names(day.duty) }));
			close();
			readAudit(false);
		} catch (e) {
			error.textContent = message(e);
		}
	};
	const form = el('form', {
		class: 'rota-edit', 'aria-labelledby': `${id}-h`,
		onsubmit: (e) => {
			e.preventDefault();
			const duty = places.map((p) => p.querySelector('select').value).filter((v) => v);
			send('PUT', { duty });
		},
		onkeydown: (e) => {
			if (e.key === 'Escape') close();
		},
	},
	el('h4', { id: `${id}-h` }, t('rota.editTitle', { day: dayName(d.date) })),
	el('fieldset', {}, el('legend', {}, t('rota.order')), ...places),
	error,
	el('div', { class: 'row' },
		el('button', { type: 'submit' }, t('rota.save')),
		d.source === 'override'
			? el('button', { type: 'button', class: 'secondary', onclick: () => send('DELETE') }, t('rota.restore'))
			: null,
		el('button', { type: 'button', class: 'secondary', onclick: close }, t('rota.cancel'))));
	return form;
}

function openEditor(r, date) {
	r.editing = r.editing === date ? null : date;
	drawRotas();
	if (r.editing) $(`${rotaId(r)}-edit-0`)?.focus();
}

// ---- what the file owns, read-only -------------------------------------------

function cells(...texts) {
	return texts.map((x, i) => (i === 0 ? el('th', { scope: 'row' }, x) : el('td', {}, x)));
}

function fill(table, rows, empty) {
	const cols = table.tHead.rows[0].cells.length;
	if (!rows.length) rows = [el('tr', {}, el('td', { colspan: String(cols), class: 'empty' }, empty))];
	table.tBodies[0].replaceChildren(...rows);
}

// Each list on its own: a 403 on one (users: administrators only) is
// said in its table, the others still shown.
async function readConfig() {
	$('config-error').textContent = '';
	const get = (path) => api('GET', path).catch((e) => ({ error: e }));
	const [tenants, users, agents, queues, skills] = await Promise.all(
		['/api/v1/tenants', '/api/v1/users', '/api/v1/agents', '/api/v1/queues', '/api/v1/skills'].map(get));
	admin.config = { tenants, users, agents, queues, skills };
	drawConfig();
}

// "health 4, language-it 5": the file's skills and proficiencies.
function agentSkills(a) {
	return a.skills?.length ? a.skills.map((k) => `${k.name} ${k.proficiency}`).join(', ') : '—';
}

// The queues the agent answers now; one a supervisor moved it into or
// out of (on the wallboard) says so, since a reload keeps it.
function agentQueues(a) {
	const q = (a.queues || []).map((x) => {
		if (x.source !== 'override') return x.name;
		return t(x.member ? 'cfg.movedin' : 'cfg.movedout', { queue: x.name, user: x.changed_by || '' });
	});
	return q.length ? q.join(', ') : '—';
}

function drawConfig() {
	const c = admin.config;
	if (!c) return;
	const list = (j, key, row) => {
		if (j.error) return [el('tr', {}, el('td', { colspan: '5', class: 'empty' }, message(j.error)))];
		return j[key].map(row);
	};
	const none = t('wall.none');
	fill($('cfg-tenants'), list(c.tenants, 'tenants', (x) => el('tr', {}, ...cells(x.name, x.timezone))), none);
	fill($('cfg-users'), list(c.users, 'users', (u) =>
		el('tr', {}, ...cells(u.name, t(`role.${u.role}`), u.tenants.join(', '), u.agent || '—'))), none);
	fill($('cfg-agents'), list(c.agents, 'agents', (a) =>
		el('tr', {}, ...cells(a.name, a.tenant, t(`st.${a.state}`), agentSkills(a), agentQueues(a)))), none);
	fill($('cfg-queues'), list(c.queues, 'queues', (q) =>
		el('tr', {}, ...cells(q.name, q.tenant, q.dispositions?.length ? q.dispositions.join(', ') : t('cfg.anyCode')))), none);
	fill($('cfg-skills'), list(c.skills, 'skills', (k) => el('tr', {}, ...cells(k))), none);
}

// ---- the audit log ----------------------------------------------------------------

const AUDIT_PAGE = 500; // rows the daemon gives a page

async function readAudit(older) {
	$('audit-error').textContent = '';
	const last = admin.audit[admin.audit.length - 1];
	const path = older && last ? `/api/v1/audit?before=${last.id}` : '/api/v1/audit';
	try {
		const j = await api('GET', path);
		admin.audit = older ? admin.audit.concat(j.audit) : j.audit;
		admin.auditMore = j.audit.length >= AUDIT_PAGE;
	} catch (e) {
		admin.audit = older ? admin.audit : [];
		admin.auditMore = false;
		$('audit-error').textContent = message(e);
	}
	drawAudit();
}

function actName(action) {
	const s = t(`act.${action}`);
	return s.startsWith('act.') ? action : s;
}

function drawAudit() {
	const rows = admin.audit.map((a) => el('tr', { 'data-id': a.id, 'data-action': a.action },
		el('td', {}, el('time', { datetime: a.time }, new Date(a.time).toLocaleString(language()))),
		el('td', {}, a.user),
		el('td', {}, a.tenant || '—'),
		el('td', { class: 'action' }, actName(a.action)),
		el('td', {}, a.object),
		el('td', {}, a.detail || '')));
	fill($('audit-table'), rows, t('audit.none'));
	$('audit-older').hidden = !admin.auditMore;
}

// ---- signing in and out --------------------------------------------------------

function signedIn(session) {
	admin.session = session;
	$('admin').hidden = false;
	readRotas();
	readConfig();
	readAudit(false);
}

function signedOut() {
	admin.session = null;
	admin.rotas = [];
	admin.config = null;
	admin.audit = [];
	$('admin').hidden = true;
	$('rota-list').replaceChildren();
	for (const id of ['cfg-tenants', 'cfg-users', 'cfg-agents', 'cfg-queues', 'cfg-skills', 'audit-table'])
		$(id).tBodies[0].replaceChildren();
}

const signin = setupSignIn(signedIn, signedOut);

onLanguage(() => {
	translate(document);
	if (admin.session) {
		drawRotas();
		drawConfig();
		drawAudit();
	}
});

$('rotas-refresh').addEventListener('click', () => readRotas());
$('config-refresh').addEventListener('click', () => readConfig());
$('audit-refresh').addEventListener('click', () => readAudit(false));
$('audit-older').addEventListener('click', () => readAudit(true));

languagePicker($('lang'));
startLanguage().then(() => signin.start()).catch((e) => {
	$('rotas-error').textContent = message(e);
});
