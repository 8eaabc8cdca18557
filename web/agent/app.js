// app.js - the agent desktop (docs/pages.md): sign in, ready / not
// ready, the offers pushed over the events WebSocket, accept or reject,
// the chats (several at once, up to the agent's capacity), finish and
// wrap-up with a disposition code and notes; on a phone call, hold,
// resume, blind transfer (to a queue, an agent or a number) and hang up.
//
// Nothing is polled: the events socket says when something changed.
// Contact events carry the engine's id of a contact, the API its key,
// so a contact event makes the desktop read GET /api/v1/contacts (the
// agent's own live contacts, with their keys); a "chat-message" event
// names the chat's key and the desktop reads what follows the last
// message it has.
import { api, ApiError, Events, clock, el } from '../common/api.js';
import { t, language, translate, onLanguage, languagePicker, startLanguage } from '../common/i18n.js';
import { setupSignIn } from '../common/signin.js';
import { emailView, emailOfferLines } from './email.js';
import { pendingItem, postPending } from './compose.js';

const $ = (id) => document.getElementById(id);

const desk = {
	session: null,
	tenant: '',
	agent: '',
	state: 'offline',
	reason: '',
	stateSince: Date.now(),
	contacts: new Map(), // key -> contact (GET /api/v1/contacts)
	dispositions: new Map(), // "tenant/queue" -> the queue's codes ([]: any)
	queues: [], // {tenant, name}: where a call can be transferred
	chats: new Map(), // key -> chat view
	announced: new Set(), // offers already announced
	history: new Map(), // key -> the customer's earlier contacts (a promise)
};

let events = null;
let refreshing = null;
let refreshAgain = false;

function announce(text) {
	$('announce').textContent = text;
}

function showError(err) {
	$('desk-error').textContent = err ? t('error.generic', { message: err.message || String(err) }) : '';
}

function nameOf(c) {
	// a call, or a callback the daemon calls back by phone
	if ((c.channel === 'voice' || c.channel === 'callback') && c.call?.from) return c.call.from;
	if (c.channel === 'email' && (c.data?.from_name || c.data?.from)) return c.data.from_name || c.data.from;
	return (c.data && typeof c.data.name === 'string' && c.data.name) || t('chat.visitor');
}

// A call's way through the phone menu: "Menu: 2 › 1 · it".
function ivrLine(c) {
	if (!c.ivr) return null;
	const keys = c.ivr.menu.length ? c.ivr.menu.join(' › ') : '—';
	return el('span', { class: 'ivr' }, t('offer.menu', { keys }) + (c.ivr.language ? ` · ${c.ivr.language}` : ''));
}

function channelOf(c) {
	return t(`ch.${c.channel}`);
}

// ---- the agent's state ------------------------------------------------

function drawState() {
	const state = t(`st.${desk.state}`);
	const known = t(`reason.${desk.reason}`);
	const reason = known.startsWith('reason.') ? desk.reason : known;
	const text = desk.state === 'not-ready' && desk.reason
		? t('state.nowReason', { state, reason })
		: t('state.now', { state });
	$('state-now').textContent = `${text} · ${t('state.since', { time: clock(Date.now() - desk.stateSince) })}`;
	$('state-now').dataset.state = desk.state;
	$('go-ready').setAttribute('aria-pressed', String(desk.state !== 'not-ready' && desk.state !== 'offline'));
}

function setState(state, reason) {
	if (state !== desk.state || (reason || '') !== desk.reason) desk.stateSince = Date.now();
	desk.state = state;
	desk.reason = reason || '';
	drawState();
}

async function changeState(state) {
	showError(null);
	const body = { state };
	if (state === 'not-ready') body.reason = $('reason').value;
	try {
		const a = await api('PUT', `/api/v1/agents/${encodeURIComponent(desk.tenant)}/${encodeURIComponent(desk.agent)}/state`, body);
		setState(a.state, state === 'not-ready' ? body.reason : '');
	} catch (e) {
		showError(e);
	}
}

// ---- offers and conversations -----------------------------------------

// Read the agent's live contacts; one read at a time, again if asked
// meanwhile (events can come in bursts).
function refreshContacts() {
	if (refreshing) {
		refreshAgain = true;
		return refreshing;
	}
	refreshing = (async () => {
		do {
			refreshAgain = false;
			try {
				const j = await api('GET', '/api/v1/contacts');
				desk.contacts = new Map(j.contacts.map((c) => [c.id, c]));
				drawContacts();
			} catch (e) {
				if (e.status !== 401) showError(e);
			}
		} while (refreshAgain);
		refreshing = null;
	})();
	return refreshing;
}

function drawOffers() {
	const list = $('offers');
	const offers = [...desk.contacts.values()].filter((c) => c.state === 'offered');
	list.replaceChildren(...offers.map(offerItem));
	$('offers-empty').hidden = offers.length > 0;
	for (const c of offers) {
		if (!desk.announced.has(c.id)) {
			desk.announced.add(c.id);
			announce(t('offer.new', { channel: channelOf(c), name: nameOf(c) }));
		}
	}
}

// ---- the customer's earlier contacts -----------------------------------------

// GET /api/v1/contacts/{id}/history once per contact: who the customer
// is (a number, an address) and their last ten contacts, newest first.
function readHistory(key) {
	if (!desk.history.has(key))
		desk.history.set(key, api('GET', `/api/v1/contacts/${key}/history`).catch(() => null));
	return desk.history.get(key);
}

function historyLine(x) {
	const when = new Date(x.created).toLocaleString(language(), { dateStyle: 'medium', timeStyle: 'short' });
	const parts = [when, t(`ch.${x.channel}`), x.queue, x.agent, x.disposition || x.outcome].filter(Boolean);
	return parts.join(' · ') + (x.notes ? ` — ${x.notes}` : '');
}

// "Earlier contacts of ada@example.org: 2", opened to list them; shown
// only when the customer is known and came before.
function historyBlock(c) {
	const box = el('details', { class: 'history', hidden: true });
	readHistory(c.id).then((h) => {
		if (!h || !h.contacts.length) return;
		box.replaceChildren(
			el('summary', {}, t('history.summary', { who: h.customer, n: h.contacts.length })),
			el('ul', {}, ...h.contacts.map((x) => el('li', { 'data-key': x.id }, historyLine(x)))));
		box.hidden = false;
	});
	return box;
}

function offerItem(c) {
	const vars = { channel: channelOf(c), name: nameOf(c) };
	const created = Date.parse(c.created) || Date.now();
	const act = (what) => async () => {
		showError(null);
		try {
			await api('POST', `/api/v1/contacts/${c.id}/${what}`);
		} catch (e) {
			showError(e.code === 'offer-gone' ? new Error(t('offer.gone')) : e);
		}
		refreshContacts();
	};
	return el('li', { class: 'offer', 'data-key': c.id, 'aria-label': t('offer.label', vars) },
		el('div', { class: 'offer-what' },
			el('strong', {}, t('offer.label', vars)),
			c.data?.topic ? el('span', {}, t('offer.topic', { topic: c.data.topic })) : null,
			c.channel === 'email' ? emailOfferLines(c) : null,
			ivrLine(c),
			el('span', {}, t('offer.queue', { queue: c.queue })),
			el('span', { class: 'tick', 'data-since': created, 'data-text': 'offer.waiting' },
				t('offer.waiting', { time: clock(Date.now() - created) })),
			historyBlock(c)),
		el('div', { class: 'offer-actions' },
			el('button', { type: 'button', class: 'accept', 'aria-label': t('offer.acceptLabel', vars), onclick: act('accept') }, t('offer.accept')),
			el('button', { type: 'button', class: 'reject', 'aria-label': t('offer.rejectLabel', vars), onclick: act('reject') }, t('offer.reject'))));
}

function drawContacts() {
	drawOffers();
	const live = [...desk.contacts.values()].filter((c) => c.state === 'connected' || c.state === 'wrapup');
	for (const [key, view] of desk.chats) {
		if (!desk.contacts.has(key) || !live.includes(desk.contacts.get(key))) {
			view.root.remove();
			desk.chats.delete(key);
		}
	}
	for (const c of live) {
		let view = desk.chats.get(c.id);
		if (!view) {
			view = c.channel === 'voice' || c.call ? callView(c) : c.channel === 'email'
				? emailView(c, { wrapupFields, act, historyBlock, announce, showError }) : chatView(c);
			desk.chats.set(c.id, view);
			$('chats').append(view.root);
			if (c.channel === 'chat') fetchMessages(view);
		}
		view.contact = c;
		if (view.call) {
			// the held time as the daemon counts it, moved on by the clock
			view.heldSince = c.call?.held ? Date.now() - c.call.held_for_ms : null;
			view.heldBefore = c.call ? c.call.held_total_ms - c.call.held_for_ms : 0;
		}
		drawChatState(view);
	}
	$('chats-empty').hidden = live.length > 0;
	for (const key of desk.history.keys()) if (!desk.contacts.has(key)) desk.history.delete(key);
	drawCallbacks();
}

// ---- the agent's callbacks ---------------------------------------------------

function when(iso) {
	return new Date(iso).toLocaleString(language(), { dateStyle: 'medium', timeStyle: 'short' });
}

// The callbacks kept for me (GET /api/v1/contacts lists them with their
// owner), due first; offered to me they move to the offers.
function drawCallbacks() {
	const mine = [...desk.contacts.values()]
		.filter((c) => c.owner === desk.agent && (c.state === 'scheduled' || c.state === 'waiting'))
		.sort((a, b) => Date.parse(a.not_before || a.created) - Date.parse(b.not_before || b.created));
	$('callbacks').replaceChildren(...mine.map((c) => {
		const name = nameOf(c);
		return el('li', { 'data-key': c.id },
			el('span', {}, t('cb.item', { name, number: c.data?.number || '—', when: when(c.not_before || c.created) })),
			el('span', { class: 'empty' }, c.state === 'waiting' ? t('cb.waiting') : t('cb.kept', { until: when(c.owner_until) })),
			c.data?.note ? el('span', {}, c.data.note) : null,
			el('button', {
				type: 'button',
				class: 'secondary',
				'aria-label': t('cb.cancelLabel', { name }),
				onclick: async () => {
					try {
						await api('DELETE', `/api/v1/contacts/${c.id}`);
					} catch (e) {
						showError(e);
					}
					refreshContacts();
				},
			}, t('cb.cancel')));
	}));
	$('callbacks-empty').hidden = mine.length > 0;
}

function callbackQueues(selected) {
	const list = $('cb-queue');
	const mine = (desk.queues || []).filter((q) => q.tenant === desk.tenant);
	list.replaceChildren(...mine.map((q) => el('option', { value: q.name, selected: q.name === selected }, q.name)));
}

// "Call back later" in a conversation fills the form with its customer.
function callBackLater(c) {
	$('cb-number').value = c.data?.number || c.call?.from || '';
	$('cb-name').value = c.channel === 'voice' ? '' : nameOf(c);
	callbackQueues(c.queue);
	const soon = new Date(Date.now() + 3600000);
	soon.setSeconds(0, 0);
	$('cb-when').value = new Date(soon.getTime() - soon.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
	$('cb-when').focus();
}

$('cb-form').addEventListener('submit', async (e) => {
	e.preventDefault();
	$('cb-error').textContent = '';
	const at = new Date($('cb-when').value); // the browser's local time
	const name = $('cb-name').value.trim() || $('cb-number').value.trim();
	const data = { number: $('cb-number').value.trim(), name };
	if ($('cb-note').value.trim()) data.note = $('cb-note').value.trim();
	const body = { tenant: desk.tenant, queue: $('cb-queue').value, channel: 'callback', not_before: at.toISOString(), data };
	if ($('cb-mine').checked) body.agent = desk.agent;
	try {
		await api('POST', '/api/v1/contacts', body);
		announce(t('cb.scheduled', { name, when: when(at.toISOString()) }));
		$('cb-form').reset();
		$('cb-mine').checked = true;
		callbackQueues();
		await refreshContacts();
	} catch (err) {
		$('cb-error').textContent = t('error.generic', { message: err.message });
	}
});

// ---- one conversation ---------------------------------------------------

function chatView(c) {
	const name = nameOf(c);
	const id = `chat-${c.id}`;
	const view = { key: c.id, contact: c, name, lastSeq: 0, seen: new Set(), fetching: null, again: false, since: Date.now() };
	view.log = el('ol', { class: 'log', role: 'log', 'aria-label': t('chat.log', { name }) });
	view.input = el('textarea', { id: `${id}-input`, rows: '2', maxlength: '4096' });
	view.inputLabel = el('label', { for: `${id}-input` }, t('chat.input', { name }));
	view.send = el('button', { type: 'submit' }, t('chat.send'));
	view.form = el('form', { class: 'compose', onsubmit: (e) => { e.preventDefault(); sendMessage(view); } },
		view.inputLabel, view.input, view.send);
	view.input.addEventListener('keydown', (e) => {
		if (e.key === 'Enter' && !e.shiftKey) {
			e.preventDefault();
			sendMessage(view);
		}
	});
	view.input.addEventListener('input', () => typing(view));
	view.typing = el('p', { class: 'typing', 'aria-live': 'polite' });
	view.status = el('p', { class: 'chat-status' });
	view.finish = el('button', { type: 'button', class: 'finish', 'aria-label': t('chat.finishLabel', { name }), onclick: () => act(view, 'finish') }, t('chat.finish'));
	view.done = el('button', { type: 'button', class: 'done', 'aria-label': t('chat.wrapupDoneLabel', { name }), onclick: () => act(view, 'wrapup-done') }, t('chat.wrapupDone'));
	wrapupFields(view, c, id);
	view.heading = el('h3', { id: `${id}-h` }, t('chat.with', { name }));
	view.topic = el('p', { class: 'topic' }, c.data?.topic ? t('offer.topic', { topic: c.data.topic }) : '');
	view.later = el('button', { type: 'button', class: 'secondary', 'aria-label': t('cb.laterLabel', { name }),
		onclick: () => callBackLater(view.contact) }, t('cb.later'));
	view.root = el('article', { class: 'chat', 'aria-labelledby': `${id}-h`, 'data-key': c.id },
		view.heading, view.topic,
		c.data?.number ? el('p', { class: 'topic' }, el('a', { href: `tel:${c.data.number}` }, t('cb.call', { number: c.data.number }))) : null,
		c.data?.note ? el('p', { class: 'topic' }, c.data.note) : null,
		historyBlock(c), view.status,
		c.channel === 'chat' ? view.log : null,
		c.channel === 'chat' ? view.typing : null,
		c.channel === 'chat' ? view.form : null,
		view.record,
		el('div', { class: 'row' }, view.finish, view.done, view.later));
	return view;
}

// The disposition and the notes, sent with Finish and with Wrap-up done:
// a select of the queue's codes when it lists some, otherwise free text
// (the daemon accepts any code then).
function wrapupFields(view, c, id) {
	const codes = desk.dispositions.get(`${c.tenant}/${c.queue}`) || [];
	view.noCode = null;
	if (codes.length) {
		view.noCode = el('option', { value: '' }, t('wrapup.none'));
		view.dispo = el('select', { id: `${id}-dispo` }, view.noCode,
			...codes.map((code) => el('option', { value: code }, code)));
	} else {
		view.dispo = el('input', { id: `${id}-dispo`, maxlength: '63', autocomplete: 'off' });
	}
	view.notes = el('textarea', { id: `${id}-notes`, rows: '2', maxlength: '4096' });
	view.dispoLabel = el('label', { for: `${id}-dispo` }, t('wrapup.disposition'));
	view.notesLabel = el('label', { for: `${id}-notes` }, t('wrapup.notes'));
	view.record = el('div', { class: 'record' }, view.dispoLabel, view.dispo, view.notesLabel, view.notes);
}

function relabel(view) {
	if (view.email) return view.relabel();
	if (view.call) {
		relabelCall(view);
		return;
	}
	const name = view.name;
	view.log.setAttribute('aria-label', t('chat.log', { name }));
	view.inputLabel.textContent = t('chat.input', { name });
	view.send.textContent = t('chat.send');
	view.finish.textContent = t('chat.finish');
	view.finish.setAttribute('aria-label', t('chat.finishLabel', { name }));
	view.done.textContent = t('chat.wrapupDone');
	view.done.setAttribute('aria-label', t('chat.wrapupDoneLabel', { name }));
	view.heading.textContent = t('chat.with', { name });
	view.dispoLabel.textContent = t('wrapup.disposition');
	view.notesLabel.textContent = t('wrapup.notes');
	if (view.noCode) view.noCode.textContent = t('wrapup.none');
	view.topic.textContent = view.contact.data?.topic ? t('offer.topic', { topic: view.contact.data.topic }) : '';
	for (const li of view.log.querySelectorAll('.msg')) {
		li.querySelector('.who').textContent = li.dataset.sender === 'agent' ? t('chat.me') : name;
		const st = li.querySelector('.pending-state');
		if (st) st.textContent = li.classList.contains('failed') ? t('chat.failed') : t('chat.sending');
	}
	drawChatState(view);
}

function drawChatState(view) {
	if (view.email) return view.draw();
	if (view.call) {
		drawCallState(view);
		return;
	}
	const wrapup = view.contact.state === 'wrapup';
	view.root.dataset.state = view.contact.state;
	view.status.textContent = wrapup ? t('chat.wrapup') : t('chat.connected', { time: clock(Date.now() - view.since) });
	view.finish.hidden = wrapup;
	view.done.hidden = !wrapup;
	view.input.disabled = wrapup;
	view.send.disabled = wrapup;
}

async function act(view, what) {
	showError(null);
	const record = {};
	if (view.dispo.value.trim()) record.disposition = view.dispo.value.trim();
	if (view.notes.value.trim()) record.notes = view.notes.value.trim();
	try {
		await api('POST', `/api/v1/contacts/${view.key}/${what}`, Object.keys(record).length ? record : undefined);
	} catch (e) {
		showError(e);
	}
	await refreshContacts();
}

function messageItem(view, m) {
	const mine = m.sender === 'agent';
	return el('li', { class: `msg ${mine ? 'mine' : 'theirs'}`, 'data-seq': m.seq, 'data-sender': m.sender },
		el('span', { class: 'who' }, mine ? t('chat.me') : view.name),
		el('span', { class: 'body' }, m.body),
		m.time ? el('time', { datetime: m.time }, new Date(m.time).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })) : null);
}

// Read what follows the last message shown; one read at a time.
// "Is typing…" both ways: the visitor's widget is told while the agent
// writes (one request every 2.5 s at most); the visitor's typing comes
// as a chat-typing event and is shown for 6 s, or until their message.
const TYPING_EVERY_MS = 2500;
const TYPING_SHOWN_MS = 6000;

function typing(view) {
	if (!view.input.value || Date.now() - (view.typingSent || 0) < TYPING_EVERY_MS) return;
	view.typingSent = Date.now();
	api('POST', `/api/v1/contacts/${view.key}/typing`).catch(() => {});
}

function theyType(view, on) {
	clearTimeout(view.typingTimer);
	view.typing.textContent = on ? t('chat.typing', { name: view.name }) : '';
	if (on) view.typingTimer = setTimeout(() => theyType(view, false), TYPING_SHOWN_MS);
}

function fetchMessages(view) {
	if (view.fetching) {
		view.again = true;
		return view.fetching;
	}
	view.fetching = (async () => {
		do {
			view.again = false;
			try {
				const j = await api('GET', `/api/v1/contacts/${view.key}/messages?after=${view.lastSeq}`);
				let fromThem = false;
				for (const m of j.messages) {
					if (view.seen.has(m.seq)) continue;
					view.seen.add(m.seq);
					view.lastSeq = Math.max(view.lastSeq, m.seq);
					const pending = m.sender === 'agent' && view.log.querySelector(`.pending[data-client-id="${CSS.escape(m.client_id || '')}"]`);
					if (pending) pending.remove();
					view.log.append(messageItem(view, m));
					if (m.sender !== 'agent') fromThem = true;
				}
				if (fromThem) {
					theyType(view, false);
					announce(t('chat.newMessage', { name: view.name }));
				}
				view.log.lastElementChild?.scrollIntoView({ block: 'nearest' });
			} catch (e) {
				if (e.status !== 404) showError(e);
			}
		} while (view.again);
		view.fetching = null;
	})();
	return view.fetching;
}

// Send with the message's own id; a network failure or a 503 is retried
// with the same id (the daemon stores it once), up to five times.
async function sendMessage(view) {
	const body = view.input.value.trim();
	if (!body || view.input.disabled) return;
	view.input.value = '';
	const li = pendingItem('a-', body);
	view.log.append(li);
	if (await postPending(li, `/api/v1/contacts/${view.key}/messages`, body, showError))
		await fetchMessages(view);
}

// ---- one phone call ------------------------------------------------------

function callerOf(c) {
	return c.call?.from || t('call.unknown');
}

function callView(c) {
	const id = `call-${c.id}`;
	const view = { key: c.id, contact: c, call: true, name: callerOf(c), since: Date.now(), heldSince: null, heldBefore: 0 };
	const ctl = (what, body) => () => callAct(view, what, body);
	view.heading = el('h3', { id: `${id}-h` });
	view.status = el('p', { class: 'chat-status call-status', role: 'status' });
	view.hold = el('button', { type: 'button', class: 'hold', onclick: ctl('hold') });
	view.resume = el('button', { type: 'button', class: 'resume', onclick: ctl('resume') });
	view.hangup = el('button', { type: 'button', class: 'hangup', onclick: ctl('hangup') });
	view.transfer = el('button', { type: 'button', class: 'transfer', 'aria-expanded': 'false', 'aria-controls': `${id}-xfer`,
		onclick: () => showTransfer(view, view.form.hidden) });
	transferForm(view, id);
	view.later = el('button', { type: 'button', class: 'secondary', 'aria-label': t('cb.laterLabel', { name: view.name }),
		onclick: () => callBackLater(view.contact) }, t('cb.later'));
	view.root = el('article', { class: 'chat call', 'aria-labelledby': `${id}-h`, 'data-key': c.id },
		view.heading, ivrLine(c), historyBlock(c), view.status,
		el('div', { class: 'row call-actions' }, view.hold, view.resume, view.transfer, view.hangup, view.later),
		view.form);
	// after the call: the disposition and notes, and Wrap-up done
	wrapupFields(view, c, id);
	view.done = el('button', { type: 'button', class: 'done', onclick: () => act(view, 'wrapup-done') });
	view.after = el('div', { class: 'call-wrapup' }, view.record, el('div', { class: 'row' }, view.done));
	view.root.append(view.after);
	// an attended transfer: the target consulted, then complete or cancel
	view.complete = el('button', { type: 'button', class: 'complete', onclick: ctl('transfer/complete') });
	view.cancelXfer = el('button', { type: 'button', class: 'cancel-transfer', onclick: ctl('transfer/cancel') });
	view.root.querySelector('.call-actions').append(view.complete, view.cancelXfer);
	relabelCall(view);
	return view;
}

// Transfer: to a queue of my tenant (a picker), an agent or a number.
function transferForm(view, id) {
	view.kind = el('select', { id: `${id}-kind` },
		el('option', { value: 'queue' }), el('option', { value: 'agent' }), el('option', { value: 'number' }));
	view.kindLabel = el('label', { for: `${id}-kind` });
	view.queue = el('select', { id: `${id}-queue` });
	view.queueLabel = el('label', { for: `${id}-queue` });
	view.agentName = el('input', { id: `${id}-agent`, maxlength: '63', autocomplete: 'off' });
	view.agentLabel = el('label', { for: `${id}-agent` });
	view.number = el('input', { id: `${id}-number`, type: 'tel', maxlength: '32', autocomplete: 'off', pattern: '[+]?[0-9*#]+' });
	view.numberLabel = el('label', { for: `${id}-number` });
	view.attended = el('input', { id: `${id}-attended`, type: 'checkbox' });
	view.attendedLabel = el('label', { for: `${id}-attended` });
	view.attendedField = el('span', { class: 'field' }, view.attended, view.attendedLabel);
	view.go = el('button', { type: 'submit' });
	view.cancel = el('button', { type: 'button', onclick: () => showTransfer(view, false) });
	view.fields = {
		queue: el('span', { class: 'field' }, view.queueLabel, view.queue),
		agent: el('span', { class: 'field' }, view.agentLabel, view.agentName),
		number: el('span', { class: 'field' }, view.numberLabel, view.number),
	};
	view.kind.addEventListener('change', () => drawTransferKind(view));
	view.form = el('form', { id: `${id}-xfer`, class: 'transfer-form row', hidden: true,
		onsubmit: (e) => { e.preventDefault(); transferGo(view); } },
	view.kindLabel, view.kind, view.fields.queue, view.fields.agent, view.fields.number, view.attendedField, view.go, view.cancel);
	view.form.addEventListener('keydown', (e) => {
		if (e.key === 'Escape') showTransfer(view, false);
	});
	fillQueues(view);
	drawTransferKind(view);
}

function fillQueues(view) {
	const mine = desk.queues.filter((q) => q.tenant === view.contact.tenant && q.name !== view.contact.queue);
	view.queue.replaceChildren(...mine.map((q) => el('option', { value: q.name }, q.name)));
}

function drawTransferKind(view) {
	for (const [k, f] of Object.entries(view.fields)) f.hidden = k !== view.kind.value;
}

function showTransfer(view, open) {
	view.form.hidden = !open;
	view.transfer.setAttribute('aria-expanded', String(open));
	if (open) {
		fillQueues(view);
		view.kind.focus();
	} else {
		view.transfer.focus();
	}
}

async function transferGo(view) {
	const kind = view.kind.value;
	const value = kind === 'queue' ? view.queue.value : kind === 'agent' ? view.agentName.value.trim() : view.number.value.trim();
	if (!value) {
		showError(new Error(t('call.transferEmpty')));
		return;
	}
	const attended = view.attended.checked; // to a queue: whoever the engine chooses
	if (attended) view.consultTarget = value;
	if (!(await callAct(view, 'transfer', attended ? { [kind]: value, attended } : { [kind]: value }))) return;
	if (attended) {
		showTransfer(view, false);
		view.complete.focus();
		announce(t('call.consulting', { target: value }));
	} else announce(t('call.transferred', { target: value }));
}

async function callAct(view, what, body) {
	showError(null);
	try {
		await api('POST', `/api/v1/contacts/${view.key}/${what}`, body);
		if (what === 'hold') announce(t('call.heldNow', { number: view.name }));
		if (what === 'resume' || what === 'transfer/cancel') announce(t('call.resumedNow', { number: view.name }));
		if (what === 'transfer/complete') announce(t('call.transferred', { target: view.consultTarget || '' }));
		await refreshContacts();
		return true;
	} catch (e) {
		showError(e.code === 'number-not-allowed' ? new Error(t('call.notAllowed')) : e);
		await refreshContacts();
		return false;
	}
}

function relabelCall(view) {
	const number = view.name;
	view.heading.textContent = t('call.with', { number });
	view.hold.textContent = t('call.hold');
	view.hold.setAttribute('aria-label', t('call.holdLabel', { number }));
	view.resume.textContent = t('call.resume');
	view.resume.setAttribute('aria-label', t('call.resumeLabel', { number }));
	view.hangup.textContent = t('call.hangup');
	view.hangup.setAttribute('aria-label', t('call.hangupLabel', { number }));
	view.transfer.textContent = t('call.transfer');
	view.transfer.setAttribute('aria-label', t('call.transferLabel', { number }));
	view.kindLabel.textContent = t('call.transferTo');
	const kinds = { queue: 'call.toQueue', agent: 'call.toAgent', number: 'call.toNumber' };
	for (const o of view.kind.options) o.textContent = t(kinds[o.value]);
	view.queueLabel.textContent = t('call.queue');
	view.agentLabel.textContent = t('call.agent');
	view.numberLabel.textContent = t('call.number');
	view.go.textContent = t('call.transferGo');
	view.cancel.textContent = t('call.cancel');
	view.dispoLabel.textContent = t('wrapup.disposition');
	view.notesLabel.textContent = t('wrapup.notes');
	if (view.noCode) view.noCode.textContent = t('wrapup.none');
	view.attendedLabel.textContent = t('call.attended');
	view.complete.textContent = t('call.complete');
	view.complete.setAttribute('aria-label', t('call.completeLabel', { number }));
	view.cancelXfer.textContent = t('call.cancelTransfer');
	view.cancelXfer.setAttribute('aria-label', t('call.cancelTransferLabel', { number }));
	view.done.textContent = t('chat.wrapupDone');
	view.done.setAttribute('aria-label', t('call.wrapupDoneLabel', { number }));
	drawCallState(view);
}

function drawCallState(view) {
	const c = view.contact;
	const wrapup = c.state === 'wrapup';
	const held = view.heldSince !== null && !wrapup;
	const consulting = !wrapup && !!c.call?.consult;
	view.root.dataset.state = wrapup ? 'wrapup' : held ? 'held' : c.state;
	if (wrapup) view.status.textContent = t('call.wrapup');
	else if (consulting) view.status.textContent = t('call.consulting', { target: view.consultTarget || '—' });
	else if (held) {
		const now = Date.now() - view.heldSince;
		view.status.textContent = t('call.heldFor', { time: clock(now), total: clock(view.heldBefore + now) });
	} else view.status.textContent = t('call.talking', { time: clock(Date.now() - view.since) });
	view.hold.hidden = wrapup || held || consulting;
	view.resume.hidden = wrapup || !held || consulting;
	view.hangup.hidden = wrapup;
	view.transfer.hidden = wrapup || consulting;
	view.complete.hidden = !consulting;
	view.cancelXfer.hidden = !consulting;
	view.after.hidden = !wrapup;
	if (wrapup && !view.form.hidden) view.form.hidden = true;
}

// ---- events ---------------------------------------------------------------

function onEvent(m) {
	if (m.type === 'agent-state' && m.agent === desk.agent) {
		setState(m.state, m.reason);
		return;
	}
	if (m.type === 'chat-typing') {
		const view = desk.chats.get(m.key);
		if (view && m.sender === 'visitor') theyType(view, true);
		return;
	}
	if (m.type === 'chat-message') {
		const view = desk.chats.get(m.key);
		if (view?.email) view.refresh();
		else if (view) fetchMessages(view);
		else refreshContacts();
		return;
	}
	if (m.contact !== undefined && m.agent === desk.agent) refreshContacts();
}

async function readDispositions() {
	try {
		const j = await api('GET', '/api/v1/queues');
		desk.dispositions = new Map(j.queues.map((q) => [`${q.tenant}/${q.name}`, q.dispositions || []]));
		desk.queues = j.queues.map((q) => ({ tenant: q.tenant, name: q.name }));
	} catch (e) {
		if (e.status !== 401) showError(e);
	}
}

async function sync() {
	await readDispositions();
	callbackQueues();
	try {
		const j = await api('GET', '/api/v1/agents');
		const me = j.agents.find((a) => a.name === desk.agent);
		if (me) setState(me.state, me.state === 'not-ready' ? desk.reason : '');
	} catch (e) {
		showError(e);
	}
	await refreshContacts();
	for (const view of desk.chats.values()) {
		if (view.contact.channel === 'chat') fetchMessages(view);
		if (view.email) view.refresh();
	}
}

function signedIn(session) {
	desk.session = session;
	desk.tenant = session.tenants?.[0] || '';
	desk.agent = session.agent || '';
	$('desk').hidden = false;
	if (!desk.agent) {
		showError(new Error(t('agent.noagent')));
		return;
	}
	events = new Events(`agent-${session.user}`, onEvent, sync, (open) => {
		$('conn').hidden = open;
		if (!open) signin.check();
	});
	events.start();
}

function signedOut() {
	if (events) events.stop();
	events = null;
	$('desk').hidden = true;
	desk.contacts.clear();
	for (const view of desk.chats.values()) view.root.remove();
	desk.chats.clear();
	desk.announced.clear();
	$('offers').replaceChildren();
}

const signin = setupSignIn(signedIn, signedOut);

// Times shown move on by themselves: the local clock, no request.
setInterval(() => {
	if ($('desk').hidden) return;
	drawState();
	for (const e of document.querySelectorAll('.tick')) {
		e.textContent = t(e.dataset.text, { time: clock(Date.now() - Number(e.dataset.since)) });
	}
	for (const view of desk.chats.values()) drawChatState(view);
}, 1000);

onLanguage(() => {
	translate(document);
	drawState();
	drawOffers();
	for (const view of desk.chats.values()) relabel(view);
});

$('go-ready').addEventListener('click', () => changeState('ready'));
$('go-not-ready').addEventListener('click', () => changeState('not-ready'));

languagePicker($('lang'));
startLanguage().then(() => signin.start()).catch((e) => showError(e instanceof ApiError ? e : new Error(String(e))));
