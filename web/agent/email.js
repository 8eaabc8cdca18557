// email.js - an e-mail contact on the agent desktop (docs/pages.md,
// "E-mail"): the mail (from, to, subject, date, its text, its
// attachments listed, its HTML sanitised in a sandboxed frame), the
// conversation that followed (the customer's replies, the answers), and
// an answer form that posts POST /api/v1/contacts/{id}/reply with a
// client_id of the page's own, sent again with the same id after a
// network failure or a 503 (the daemon mails it once). Finish, the
// disposition, the notes and Wrap-up done are the desktop's, as for a
// chat: app.js hands them in (hooks).
import { api, clock, el } from '../common/api.js';
import { t, language } from '../common/i18n.js';
import { sanitize, frame } from './sanitize.js';
import { pendingItem, postPending } from './compose.js';

function senderOf(c) {
	return c.data?.from_name || c.data?.from || t('chat.visitor');
}

function dateOf(d) {
	const ms = Date.parse(d || '');
	return Number.isNaN(ms) ? d || '' : new Date(ms).toLocaleString(language(), { dateStyle: 'medium', timeStyle: 'short' });
}

function sizeOf(bytes) {
	const units = [['gigabyte', 2 ** 30], ['megabyte', 2 ** 20], ['kilobyte', 2 ** 10]];
	for (const [unit, n] of units) {
		if (bytes >= n) return new Intl.NumberFormat(language(), { style: 'unit', unit, maximumFractionDigits: 1 }).format(bytes / n);
	}
	return new Intl.NumberFormat(language(), { style: 'unit', unit: 'byte' }).format(bytes);
}

// What an offer of an e-mail shows beside its sender: subject and date.
export function emailOfferLines(c) {
	return el('span', { class: 'mail-offer' },
		el('span', {}, t('mail.subjectLine', { subject: c.data?.subject || t('mail.noSubject') })),
		c.data?.date ? el('span', {}, t('mail.dateLine', { date: dateOf(c.data.date) })) : null);
}

function head(view) {
	const d = view.contact.data || {};
	const row = (key, value) => [el('dt', { 'data-k': key }), el('dd', {}, value)];
	const from = d.from_name ? `${d.from_name} <${d.from}>` : d.from || '';
	view.headDl = el('dl', { class: 'mail-head' },
		...row('mail.from', from),
		...row('mail.to', d.to || ''),
		...row('mail.subject', d.subject || t('mail.noSubject')),
		...row('mail.date', dateOf(d.date)));
	return view.headDl;
}

function attachments(view) {
	const list = view.contact.data?.attachments || [];
	if (!list.length) return null;
	view.attHeading = el('h4', { id: `${view.id}-att` });
	view.attList = el('ul', { class: 'mail-attachments', 'aria-labelledby': `${view.id}-att` },
		...list.map((a) => el('li', { 'data-refused': a.refused ? 'true' : 'false' },
			el('span', { class: 'att-name' }, a.name || 'attachment'),
			el('span', { class: 'att-meta' }, ` · ${a.type || 'application/octet-stream'} · ${sizeOf(a.size || 0)}`),
			a.refused ? el('span', { class: 'att-refused' }) : null)));
	return el('div', {}, view.attHeading, view.attList);
}

// The HTML part, sanitised, in its sandboxed frame; open at once when
// the mail has no text part.
function htmlPart(view) {
	const html = view.contact.data?.html_unsafe;
	if (!html) return null;
	view.clean = sanitize(html);
	view.htmlSummary = el('summary');
	view.htmlFrame = frame(view.clean, t('mail.htmlFrame', { name: view.name }));
	return el('details', { class: 'mail-html-part', open: !view.contact.data?.text }, view.htmlSummary, view.htmlFrame);
}

function messageItem(view, m) {
	const mine = m.sender === 'agent';
	return el('li', { class: `msg ${mine ? 'mine' : 'theirs'}`, 'data-seq': m.seq, 'data-sender': m.sender },
		el('span', { class: 'who' }, mine ? t('chat.me') : view.name),
		el('span', { class: 'body' }, m.body),
		m.time ? el('time', { datetime: m.time }, new Date(m.time).toLocaleString(language(), { dateStyle: 'short', timeStyle: 'short' })) : null);
}

// Read what follows the last message shown; one read at a time.
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
				for (const m of j.messages) {
					if (view.seen.has(m.seq)) continue;
					view.seen.add(m.seq);
					view.lastSeq = Math.max(view.lastSeq, m.seq);
					view.log.append(messageItem(view, m));
				}
				view.logEmpty.hidden = view.log.children.length > 0;
			} catch (e) {
				if (e.status !== 404) view.hooks.showError(e);
			}
		} while (view.again);
		view.fetching = null;
	})();
	return view.fetching;
}

// Post the answer with its own id; a network failure or a 503 is tried
// again with the same id (the daemon commits and mails it once).
async function sendAnswer(view) {
	const body = view.input.value.trim();
	if (!body || view.input.disabled) return;
	view.input.value = '';
	const li = pendingItem('m-', body);
	view.log.append(li);
	view.logEmpty.hidden = true;
	if (await postPending(li, `/api/v1/contacts/${view.key}/reply`, body, view.hooks.showError)) {
		// committed: the conversation's copy replaces this one (it
		// carries the mail's Message-ID, not our client_id)
		li.remove();
		view.hooks.announce(t('mail.sent', { name: view.name }));
		await fetchMessages(view);
		return;
	}
	view.input.value = view.input.value || body; // not lost: it can be sent again
}

// The view of e-mail contact c. hooks: {wrapupFields(view, c, id),
// act(view, what), historyBlock(c), announce(text), showError(err)}.
export function emailView(c, hooks) {
	const id = `email-${c.id}`;
	const view = { key: c.id, id, contact: c, email: true, hooks, name: senderOf(c), since: Date.now(), lastSeq: 0, seen: new Set() };
	view.heading = el('h3', { id: `${id}-h` });
	view.status = el('p', { class: 'chat-status' });
	view.notes = null;
	const d = c.data || {};
	view.textHeading = el('h4', { id: `${id}-text` });
	view.text = d.text ? el('div', { class: 'mail-text', role: 'region', 'aria-labelledby': `${id}-text`, tabindex: '0' }, d.text) : null;
	view.flags = el('p', { class: 'mail-flags' });
	view.convHeading = el('h4', { id: `${id}-conv` });
	view.log = el('ol', { class: 'log mail-log', role: 'log', 'aria-labelledby': `${id}-conv` });
	view.logEmpty = el('p', { class: 'empty' });
	view.input = el('textarea', { id: `${id}-input`, rows: '5', maxlength: '65536' });
	view.input.addEventListener('keydown', (e) => {
		if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
			e.preventDefault();
			sendAnswer(view);
		}
	});
	view.inputLabel = el('label', { for: `${id}-input` });
	view.hint = el('span', { class: 'hint', id: `${id}-hint` });
	view.input.setAttribute('aria-describedby', `${id}-hint`);
	view.send = el('button', { type: 'submit' });
	view.form = el('form', { class: 'compose', onsubmit: (e) => { e.preventDefault(); sendAnswer(view); } },
		view.inputLabel, view.input, el('div', { class: 'row' }, view.send, view.hint));
	view.finish = el('button', { type: 'button', class: 'finish', onclick: () => hooks.act(view, 'finish') });
	view.done = el('button', { type: 'button', class: 'done', onclick: () => hooks.act(view, 'wrapup-done') });
	hooks.wrapupFields(view, c, id);
	view.root = el('article', { class: 'chat email', 'aria-labelledby': `${id}-h`, 'data-key': c.id },
		view.heading, head(view), hooks.historyBlock(c), view.status, view.flags,
		el('section', { class: 'mail-body' }, view.textHeading, view.text || el('p', { class: 'empty', 'data-k': 'mail.noText' })),
		htmlPart(view), attachments(view),
		view.convHeading, view.log, view.logEmpty, view.form, view.record,
		el('div', { class: 'row' }, view.finish, view.done));
	view.draw = () => draw(view);
	view.relabel = () => relabel(view);
	view.refresh = () => fetchMessages(view);
	relabel(view);
	fetchMessages(view);
	return view;
}

function relabel(view) {
	const name = view.name;
	const d = view.contact.data || {};
	view.heading.textContent = t('mail.with', { name });
	for (const e of view.root.querySelectorAll('[data-k]')) e.textContent = t(e.dataset.k);
	view.textHeading.textContent = t('mail.text');
	if (view.htmlSummary) {
		view.htmlSummary.textContent = view.clean.blocked
			? t('mail.htmlBlocked', { n: view.clean.blocked }) : t('mail.html');
		view.htmlFrame.title = t('mail.htmlFrame', { name });
	}
	if (view.attHeading) {
		view.attHeading.textContent = t('mail.attachments', { n: view.attList.children.length });
		for (const s of view.attList.querySelectorAll('.att-refused')) s.textContent = ` · ${t('mail.refused')}`;
	}
	const flags = [];
	if (d.thread) flags.push(t('mail.thread', { key: d.thread }));
	if (d.automatic) flags.push(t('mail.automatic', { why: d.automatic }));
	if (d.text_cut || d.truncated) flags.push(t('mail.cut'));
	view.flags.textContent = flags.join(' ');
	view.flags.hidden = !flags.length;
	view.convHeading.textContent = t('mail.conversation', { name });
	view.logEmpty.textContent = t('mail.noConversation');
	view.inputLabel.textContent = t('mail.answer', { name });
	view.hint.textContent = t('mail.hint');
	view.send.textContent = t('mail.send');
	view.finish.textContent = t('chat.finish');
	view.finish.setAttribute('aria-label', t('mail.finishLabel', { name }));
	view.done.textContent = t('chat.wrapupDone');
	view.done.setAttribute('aria-label', t('chat.wrapupDoneLabel', { name }));
	view.dispoLabel.textContent = t('wrapup.disposition');
	view.notesLabel.textContent = t('wrapup.notes');
	if (view.noCode) view.noCode.textContent = t('wrapup.none');
	for (const li of view.log.querySelectorAll('.msg')) {
		li.querySelector('.who').textContent = li.dataset.sender === 'agent' ? t('chat.me') : name;
		const st = li.querySelector('.pending-state');
		if (st) st.textContent = li.classList.contains('failed') ? t('chat.failed') : t('chat.sending');
	}
	draw(view);
}

function draw(view) {
	const wrapup = view.contact.state === 'wrapup';
	view.root.dataset.state = view.contact.state;
	view.status.textContent = wrapup ? t('chat.wrapup') : t('chat.connected', { time: clock(Date.now() - view.since) });
	view.finish.hidden = wrapup;
	view.done.hidden = !wrapup;
	view.input.disabled = wrapup;
	view.send.disabled = wrapup;
}
