// app.js - the administration page (docs/pages.md): the on-call rotas,
// with the days a supervisor changes (a swap, a sick day), what the
// configuration file holds (read-only: the file owns it) and the audit
// log of administrative acts.
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
		el('p', { class: 'empty' }, t('rota.about', { zone: r.timezone, ring: t(`rota.ring.${r.ring}`), escalation: names(r.escalation) })),
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
			readAudit();
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

// ---- the audit log (drawn by the sections that follow) ------------------------

async function readAudit() {}

// ---- signing in and out --------------------------------------------------------

function signedIn(session) {
	admin.session = session;
	$('admin').hidden = false;
	readRotas();
}

function signedOut() {
	admin.session = null;
	admin.rotas = [];
	$('admin').hidden = true;
	$('rota-list').replaceChildren();
}

const signin = setupSignIn(signedIn, signedOut);

onLanguage(() => {
	translate(document);
	if (admin.session) drawRotas();
});

$('rotas-refresh').addEventListener('click', () => readRotas());

languagePicker($('lang'));
startLanguage().then(() => signin.start()).catch((e) => {
	$('rotas-error').textContent = message(e);
});
