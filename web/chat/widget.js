// widget.js - the web chat for any website (docs/pages.md). Embed with
//
//   <script src="https://CENTRALINO/chat/widget.js" async
//           data-tenant="demo" data-queue="information" data-lang="it"></script>
//
// It shows a "Chat with us" button; the visitor gives a name and a topic,
// the chat opens (POST /api/v1/chats) and the visitor sees their place in
// line and the estimated wait, then talks with the agent.
//
// - The chat's token (the key to this chat alone) and the messages not
//   yet acknowledged are kept in sessionStorage: a reload of the page, or
//   a move to another page of the same site in the same tab, resumes the
//   chat; closing the tab forgets it.
// - Every message carries its own client_id and is sent again, with the
//   same id, until the daemon acknowledges it: after a network blip it is
//   stored once, never twice.
// - The widget reads GET /api/v1/chats/{id}?after=SEQ once a second while
//   the chat is open (slower after errors). We chose this over a
//   WebSocket of the visitor's own: it needs nothing but the chat routes,
//   passes every proxy, and a second's delay is not felt in a chat.
// - It uses no cookie: the token travels in X-Chat-Token, so the chat
//   routes answer pages of any origin (CORS "*", no credentials).
// - Nothing from the network is ever written as HTML: text nodes only.
(function () {
	'use strict';
	const script = document.currentScript;
	if (!script || window.__centralinoChat) return;
	window.__centralinoChat = true;

	const base = new URL(script.src, location.href).origin;
	const tenant = script.dataset.tenant || '';
	const queue = script.dataset.queue || '';
	const TEXT = {
		en: {
			launch: 'Chat with us', title: 'Chat with us', close: 'Close the chat window',
			name: 'Your name', topic: 'Topic', start: 'Start chat', message: 'Your message',
			email: 'Your e-mail (optional)', badEmail: 'That e-mail address does not look right.',
			send: 'Send', end: 'End chat', again: 'Start a new chat', you: 'You', agent: 'Operator',
			queued: 'You are number {position} in line. Estimated wait: {wait}.',
			waiting: 'Waiting for an operator…', offered: 'An operator is about to answer.',
			connected: 'You are chatting with an operator.', ended: 'The chat has ended. Thank you!',
			lessMinute: 'less than a minute', oneMinute: 'about 1 minute', minutes: 'about {n} minutes',
			sending: 'sending…', failed: 'not sent', busy: 'All our operators are busy: please try again later.',
			error: 'The chat is not available now: please try again.', opening: 'Opening the chat…',
			log: 'Conversation', typing: 'The operator is typing…',
			mailMe: 'E-mail me the transcript', mailTo: 'Your e-mail', mailSend: 'Send the transcript',
			mailed: 'The transcript is on its way to {to}.', mailNo: 'The transcript cannot be sent by e-mail here.',
			mailLater: 'Please wait a minute before asking again.', mailOther: 'The transcript goes to the address you gave at the start.',
		},
		it: {
			launch: 'Chatta con noi', title: 'Chatta con noi', close: 'Chiudi la finestra della chat',
			name: 'Il tuo nome', topic: 'Argomento', start: 'Inizia la chat', message: 'Il tuo messaggio',
			email: 'La tua e-mail (facoltativa)', badEmail: "L'indirizzo e-mail non sembra corretto.",
			send: 'Invia', end: 'Termina la chat', again: 'Nuova chat', you: 'Tu', agent: 'Operatore',
			queued: 'Sei il numero {position} in coda. Attesa stimata: {wait}.',
			waiting: 'In attesa di un operatore…', offered: 'Un operatore sta per rispondere.',
			connected: 'Stai parlando con un operatore.', ended: 'La chat è terminata. Grazie!',
			lessMinute: 'meno di un minuto', oneMinute: 'circa 1 minuto', minutes: 'circa {n} minuti',
			sending: 'invio…', failed: 'non inviato', busy: 'Tutti gli operatori sono occupati: riprova più tardi.',
			error: 'La chat non è disponibile ora: riprova.', opening: 'Apertura della chat…',
			log: 'Conversazione', typing: "L'operatore sta scrivendo…",
			mailMe: 'Ricevi la trascrizione per e-mail', mailTo: 'La tua e-mail', mailSend: 'Invia la trascrizione',
			mailed: 'La trascrizione è in viaggio verso {to}.', mailNo: 'Qui la trascrizione non si può inviare per e-mail.',
			mailLater: 'Attendi un minuto prima di chiederla di nuovo.', mailOther: "La trascrizione va all'indirizzo dato all'inizio.",
		},
		es: {
			launch: 'Chatee con nosotros', title: 'Chatee con nosotros', close: 'Cerrar la ventana del chat',
			name: 'Su nombre', topic: 'Tema', start: 'Iniciar el chat', message: 'Su mensaje',
			email: 'Su correo electrónico (opcional)', badEmail: 'Esa dirección de correo no parece correcta.',
			send: 'Enviar', end: 'Terminar el chat', again: 'Nuevo chat', you: 'Usted', agent: 'Agente',
			queued: 'Es el número {position} en la cola. Espera estimada: {wait}.',
			waiting: 'Esperando a un agente…', offered: 'Un agente está a punto de responder.',
			connected: 'Está hablando con un agente.', ended: 'El chat ha terminado. ¡Gracias!',
			lessMinute: 'menos de un minuto', oneMinute: 'alrededor de 1 minuto', minutes: 'alrededor de {n} minutos',
			sending: 'enviando…', failed: 'no enviado', busy: 'Todos nuestros agentes están ocupados: inténtelo más tarde.',
			error: 'El chat no está disponible ahora: inténtelo de nuevo.', opening: 'Abriendo el chat…',
			log: 'Conversación', typing: 'El agente está escribiendo…',
			mailMe: 'Recibir la transcripción por correo', mailTo: 'Su correo electrónico', mailSend: 'Enviar la transcripción',
			mailed: 'La transcripción va camino de {to}.', mailNo: 'Aquí la transcripción no se puede enviar por correo.',
			mailLater: 'Espere un minuto antes de pedirla de nuevo.', mailOther: 'La transcripción va a la dirección indicada al inicio.',
		},
	};
	const lang = (script.dataset.lang || document.documentElement.lang || navigator.language || 'en').slice(0, 2).toLowerCase();
	const L = TEXT[lang] || TEXT.en;
	const fill = (s, v) => s.replace(/\{(\w+)\}/g, (m, k) => (k in v ? String(v[k]) : m));
	const KEY = `centralino-chat:${base}:${tenant}:${queue}`;
	const POLL_MS = 1000;
	const POLL_MAX_MS = 8000;
	const TYPING_EVERY_MS = 2500; // the visitor's "typing" sent this often at most

	// ---- state kept across reloads ------------------------------------
	let chat = null; // {id, token, outbox: [{client_id, body}], open}
	try {
		chat = JSON.parse(sessionStorage.getItem(KEY) || 'null');
	} catch (e) {
		chat = null;
	}
	const save = () => {
		if (chat) sessionStorage.setItem(KEY, JSON.stringify(chat));
		else sessionStorage.removeItem(KEY);
	};
	let after = 0; // the last message seq shown
	const seen = new Set();
	let pollTimer = null;
	let pollDelay = POLL_MS;
	let ended = false;

	// ---- the elements ----------------------------------------------------
	function el(tag, attrs, ...children) {
		const e = document.createElement(tag);
		for (const [k, v] of Object.entries(attrs || {})) {
			if (v === undefined || v === null || v === false) continue;
			if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
			else e.setAttribute(k, v === true ? '' : v);
		}
		for (const c of children) if (c !== null && c !== undefined) e.append(c);
		return e;
	}

	if (!document.querySelector('link[data-centralino-chat]')) {
		document.head.append(el('link', { rel: 'stylesheet', href: `${base}/chat/widget.css`, 'data-centralino-chat': '' }));
	}
	const uid = Math.random().toString(36).slice(2, 8);
	const id = (s) => `cw-${uid}-${s}`;

	const launch = el('button', { type: 'button', class: 'cw-launch', 'aria-expanded': 'false', 'aria-controls': id('panel') }, L.launch);
	const closeBtn = el('button', { type: 'button', class: 'cw-close', 'aria-label': L.close }, '×');
	const nameInput = el('input', { id: id('name'), autocomplete: 'name', maxlength: '120', required: true });
	const topicInput = el('input', { id: id('topic'), maxlength: '200' });
	const emailInput = el('input', { id: id('email'), type: 'email', autocomplete: 'email', maxlength: '254' });
	const startError = el('p', { class: 'cw-error', role: 'alert' });
	const startForm = el('form', { class: 'cw-start' },
		el('label', { for: id('name') }, L.name), nameInput,
		el('label', { for: id('topic') }, L.topic), topicInput,
		el('label', { for: id('email') }, L.email), emailInput,
		el('button', { type: 'submit' }, L.start), startError);
	const status = el('p', { class: 'cw-status', role: 'status' });
	const log = el('ol', { class: 'cw-log', role: 'log', 'aria-label': L.log });
	const typingNote = el('p', { class: 'cw-typing', 'aria-live': 'polite' });
	const msgInput = el('textarea', { id: id('msg'), rows: '2', maxlength: '4000' });
	const sendBtn = el('button', { type: 'submit' }, L.send);
	const msgForm = el('form', { class: 'cw-compose' }, el('label', { for: id('msg') }, L.message), msgInput, sendBtn);
	const endBtn = el('button', { type: 'button', class: 'cw-end' }, L.end);
	const againBtn = el('button', { type: 'button', class: 'cw-again', hidden: true }, L.again);
	// once the chat is over: its transcript by e-mail
	const mailInput = el('input', { id: id('mail'), type: 'email', autocomplete: 'email', maxlength: '254', required: true });
	const mailNote = el('p', { class: 'cw-status', role: 'status' });
	const mailForm = el('form', { class: 'cw-mail', hidden: true, 'aria-label': L.mailMe },
		el('label', { for: id('mail') }, L.mailTo), mailInput,
		el('button', { type: 'submit' }, L.mailSend), mailNote);
	const chatView = el('div', { class: 'cw-chat', hidden: true }, status, log, typingNote, msgForm, mailForm,
		el('div', { class: 'cw-row' }, endBtn, againBtn));
	const panel = el('section', { id: id('panel'), class: 'cw-panel', role: 'dialog', 'aria-labelledby': id('title'), hidden: true },
		el('div', { class: 'cw-head' }, el('h2', { id: id('title') }, L.title), closeBtn),
		startForm, chatView);
	const root = el('div', { class: 'cw-root', lang: TEXT[lang] ? lang : 'en' }, panel, launch);
	document.body.append(root);

	// ---- the network -------------------------------------------------------
	async function call(method, path, body) {
		const headers = {};
		if (body !== undefined) headers['Content-Type'] = 'application/json';
		if (chat && chat.token) headers['X-Chat-Token'] = chat.token;
		const r = await fetch(base + path, {
			method, headers, credentials: 'omit', cache: 'no-store',
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		let j = null;
		try {
			j = await r.json();
		} catch (e) {
			j = null;
		}
		return { status: r.status, body: j };
	}

	function newClientId() {
		const b = new Uint8Array(12);
		crypto.getRandomValues(b);
		return 'v-' + Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
	}

	// ---- drawing -------------------------------------------------------------
	function waitText(ms) {
		const n = Math.round((ms || 0) / 60000);
		return ms < 60000 ? L.lessMinute : n <= 1 ? L.oneMinute : fill(L.minutes, { n });
	}

	function showPlace(j) {
		if (j.state === 'waiting' && j.position)
			status.textContent = fill(L.queued, { position: j.position, wait: waitText(j.estimated_wait_ms) });
		else if (j.state === 'waiting' || j.state === 'scheduled') status.textContent = L.waiting;
		else if (j.state === 'offered') status.textContent = L.offered;
		else if (j.state === 'connected') status.textContent = L.connected;
		else finish();
	}

	function messageItem(m) {
		const mine = m.sender === 'visitor';
		return el('li', { class: `cw-msg ${mine ? 'cw-mine' : 'cw-theirs'}`, 'data-seq': m.seq },
			el('span', { class: 'cw-who' }, mine ? L.you : L.agent),
			el('span', { class: 'cw-body' }, m.body));
	}

	function showMessages(list) {
		for (const m of list || []) {
			if (seen.has(m.seq)) continue;
			seen.add(m.seq);
			after = Math.max(after, m.seq);
			const pending = m.client_id && log.querySelector(`[data-client-id="${CSS.escape(m.client_id)}"]`);
			if (pending) pending.remove();
			log.append(messageItem(m));
		}
		log.scrollTop = log.scrollHeight;
	}

	function pendingItem(item) {
		return el('li', { class: 'cw-msg cw-mine cw-pending', 'data-client-id': item.client_id },
			el('span', { class: 'cw-who' }, L.you),
			el('span', { class: 'cw-body' }, item.body),
			el('span', { class: 'cw-state' }, L.sending));
	}

	function setOpen(open) {
		panel.hidden = !open;
		launch.setAttribute('aria-expanded', String(open));
		if (chat) {
			chat.open = open;
			save();
		}
		if (open) (chat ? msgInput : nameInput).focus();
	}

	function showChat() {
		startForm.hidden = true;
		chatView.hidden = false;
	}

	function finish() {
		ended = true;
		typingNote.textContent = '';
		mailForm.hidden = !chat;
		if (chat && chat.email && !mailInput.value) mailInput.value = chat.email;
		status.textContent = L.ended;
		msgForm.hidden = true;
		endBtn.hidden = true;
		againBtn.hidden = false;
		clearTimeout(pollTimer);
		if (chat) {
			chat.ended = true;
			chat.outbox = [];
			save();
		}
	}

	// ---- the conversation ------------------------------------------------
	async function flush() {
		while (chat && chat.outbox.length && !ended) {
			const item = chat.outbox[0];
			let r;
			try {
				r = await call('POST', `/api/v1/chats/${chat.id}/messages`, { client_id: item.client_id, body: item.body });
			} catch (e) {
				return false; // the network: sent again at the next turn
			}
			if (r.status === 503 || r.status >= 500) return false;
			chat.outbox.shift();
			save();
			if (r.status !== 200 && r.status !== 201) {
				const li = log.querySelector(`[data-client-id="${CSS.escape(item.client_id)}"]`);
				if (li) li.querySelector('.cw-state').textContent = L.failed;
			}
		}
		return true;
	}

	async function poll() {
		clearTimeout(pollTimer);
		if (!chat || ended) return;
		let ok = false;
		try {
			const flushed = await flush();
			const r = await call('GET', `/api/v1/chats/${chat.id}?after=${after}`);
			if (r.status === 200) {
				showMessages(r.body.messages);
				showPlace(r.body);
				typingNote.textContent = r.body.agent_typing ? L.typing : '';
				ok = flushed;
			} else if (r.status === 404) {
				finish(); // the token no longer opens it
				return;
			}
		} catch (e) {
			ok = false;
		}
		if (ended) return;
		pollDelay = ok ? POLL_MS : Math.min(pollDelay * 2, POLL_MAX_MS);
		pollTimer = setTimeout(poll, pollDelay);
	}

	async function start(e) {
		e.preventDefault();
		startError.textContent = '';
		const name = nameInput.value.trim();
		if (!name) return;
		status.textContent = L.opening;
		let r;
		try {
			r = await call('POST', '/api/v1/chats', {
				tenant, queue, name, topic: topicInput.value.trim() || undefined,
				email: emailInput.value.trim() || undefined,
				language: lang, page: location.href.slice(0, 255),
			});
		} catch (err) {
			r = { status: 0 };
		}
		if (r.status !== 201) {
			const badEmail = r.status === 400 && /'email'/.test(r.body?.error?.message || '');
			startError.textContent = badEmail ? L.badEmail : r.status === 409 || r.status === 429 ? L.busy : L.error;
			return;
		}
		chat = { id: r.body.id, token: r.body.token, outbox: [], open: true, email: emailInput.value.trim() || undefined };
		save();
		showChat();
		showPlace(r.body);
		msgInput.focus();
		poll();
	}

	function send(e) {
		e.preventDefault();
		const body = msgInput.value.trim();
		if (!body || !chat || ended) return;
		msgInput.value = '';
		const item = { client_id: newClientId(), body };
		chat.outbox.push(item);
		save();
		log.append(pendingItem(item));
		log.scrollTop = log.scrollHeight;
		poll(); // sends now, then reads
	}

	// The agent sees "typing…" while the visitor writes: one short
	// request now and then, its answer not awaited by anything.
	let typingSent = 0;
	function typing() {
		if (!chat || ended || !msgInput.value || Date.now() - typingSent < TYPING_EVERY_MS) return;
		typingSent = Date.now();
		call('POST', `/api/v1/chats/${chat.id}/typing`).catch(() => {});
	}

	async function end() {
		if (!chat) return;
		try {
			await call('DELETE', `/api/v1/chats/${chat.id}`);
		} catch (e) {
			/* ended on our side anyway; the daemon ends it when it hears */
		}
		finish();
	}

	async function mailTranscript(e) {
		e.preventDefault();
		if (!chat) return;
		const to = mailInput.value.trim();
		let r;
		try {
			r = await call('POST', `/api/v1/chats/${chat.id}/transcript`, { email: to });
		} catch (err) {
			r = { status: 0 };
		}
		mailNote.textContent = r.status === 202 ? fill(L.mailed, { to })
			: r.status === 409 ? L.mailNo
			: r.status === 429 ? L.mailLater
			: r.status === 403 ? L.mailOther
			: r.status === 400 ? L.badEmail : L.error;
	}

	function again() {
		chat = null;
		save();
		ended = false;
		mailForm.hidden = true;
		mailNote.textContent = '';
		mailInput.value = '';
		after = 0;
		seen.clear();
		log.replaceChildren();
		msgForm.hidden = false;
		endBtn.hidden = false;
		againBtn.hidden = true;
		chatView.hidden = true;
		startForm.hidden = false;
		nameInput.focus();
	}

	launch.addEventListener('click', () => setOpen(panel.hidden));
	closeBtn.addEventListener('click', () => {
		setOpen(false);
		launch.focus();
	});
	panel.addEventListener('keydown', (e) => {
		if (e.key === 'Escape') {
			setOpen(false);
			launch.focus();
		}
	});
	startForm.addEventListener('submit', start);
	msgForm.addEventListener('submit', send);
	msgInput.addEventListener('input', typing);
	msgInput.addEventListener('keydown', (e) => {
		if (e.key === 'Enter' && !e.shiftKey) send(e);
	});
	endBtn.addEventListener('click', end);
	againBtn.addEventListener('click', again);
	mailForm.addEventListener('submit', mailTranscript);

	// A chat of this tab from before a reload: back where it was.
	if (chat && chat.id && chat.token) {
		showChat();
		for (const item of chat.outbox || []) log.append(pendingItem(item));
		if (chat.open) setOpen(true);
		if (chat.ended) finish();
		else poll();
	} else {
		chat = null;
	}
})();
