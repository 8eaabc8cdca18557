// api.js - what every page of ours shares: the REST API with the cookie
// session and its CSRF token (docs/api.md), and the events WebSocket with
// resume. The session cookie is HttpOnly: no script here ever sees it;
// the CSRF token lives in this module's memory only and is asked for
// again (GET /api/v1/session) after a reload.

let csrf = null;

export class ApiError extends Error {
	constructor(status, code, message) {
		super(message || `HTTP ${status}`);
		this.status = status;
		this.code = code || '';
	}
}

// One request; the JSON answer, or an ApiError (status 0: the network).
export async function api(method, path, body) {
	const headers = {};
	if (body !== undefined) headers['Content-Type'] = 'application/json';
	if (method !== 'GET' && csrf) headers['X-CSRF-Token'] = csrf;
	let r;
	try {
		r = await fetch(path, {
			method,
			headers,
			body: body === undefined ? undefined : JSON.stringify(body),
			credentials: 'same-origin',
			cache: 'no-store',
		});
	} catch (e) {
		throw new ApiError(0, 'network', String(e));
	}
	let j = null;
	try {
		j = await r.json();
	} catch {
		j = null;
	}
	if (!r.ok) throw new ApiError(r.status, j?.error?.code, j?.error?.message);
	return j;
}

// Who is signed in: the session's description, or null.
export async function currentSession() {
	try {
		const s = await api('GET', '/api/v1/session');
		if (s.csrf_token) csrf = s.csrf_token;
		return s;
	} catch (e) {
		if (e.status === 401) return null;
		throw e;
	}
}

export async function signIn(user, password) {
	const j = await api('POST', '/api/v1/login', { user, password, session: 'cookie' });
	csrf = j.csrf_token;
	return currentSession();
}

export async function signOut() {
	try {
		await api('POST', '/api/v1/logout');
	} finally {
		csrf = null;
	}
}

// The events WebSocket: reconnects by itself (1 s, doubling up to 15 s)
// and resumes from the last message handled, so that nothing pushed
// while the network blinked is lost. onEvent(msg) gets every event;
// onSync() is called when the page must refetch its state through REST
// (the first connection, a reset, a connection that did not resume).
export class Events {
	constructor(name, onEvent, onSync, onState) {
		this.key = `centralino-resume-${name}`;
		this.synced = false; // read through REST since this page loaded
		this.onEvent = onEvent;
		this.onSync = onSync;
		this.onState = onState || (() => {});
		this.delay = 1000;
		this.stopped = false;
		this.epoch = null;
	}

	start() {
		this.stopped = false;
		this.connect();
	}

	stop() {
		this.stopped = true;
		clearTimeout(this.timer);
		const ws = this.ws;
		this.ws = null; // its close is ours: not reported, not retried
		if (ws) ws.close(1000);
		sessionStorage.removeItem(this.key);
	}

	connect() {
		const token = sessionStorage.getItem(this.key);
		const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
		const url = `${scheme}//${location.host}/api/v1/events` +
			(token ? `?resume=${encodeURIComponent(token)}` : '');
		const ws = new WebSocket(url);
		this.ws = ws;
		ws.onopen = () => {
			this.delay = 1000;
			this.onState(true);
		};
		ws.onmessage = (e) => this.handle(JSON.parse(e.data));
		ws.onclose = (e) => {
			if (this.ws !== ws) return;
			this.onState(false, e.code);
			if (this.stopped) return;
			this.timer = setTimeout(() => this.connect(), this.delay);
			this.delay = Math.min(this.delay * 2, 15000);
		};
	}

	handle(m) {
		if (m.type === 'hello' || m.type === 'reset') {
			this.epoch = m.epoch;
			sessionStorage.setItem(this.key, `${m.epoch}:${m.seq}`);
			// a page (re)loaded has nothing yet: it reads everything once,
			// whatever the resume; later reconnects replay what they missed
			if (m.type === 'reset' || !m.resumed || !this.synced) {
				this.synced = true;
				this.onSync();
			}
			return;
		}
		try {
			this.onEvent(m);
		} finally {
			if (this.epoch) sessionStorage.setItem(this.key, `${this.epoch}:${m.seq}`);
		}
	}
}

// "1:05", "12:00", "1:02:03": a duration in ms for people.
export function clock(ms) {
	const s = Math.max(0, Math.floor(ms / 1000));
	const h = Math.floor(s / 3600);
	const m = Math.floor((s % 3600) / 60);
	const ss = String(s % 60).padStart(2, '0');
	return h ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

// A new element: el('button', {class: 'x', type: 'button'}, 'text', child).
export function el(tag, attrs, ...children) {
	const e = document.createElement(tag);
	for (const [k, v] of Object.entries(attrs || {})) {
		if (v === undefined || v === null || v === false) continue;
		if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
		else e.setAttribute(k, v === true ? '' : v);
	}
	for (const c of children) {
		if (c !== undefined && c !== null) e.append(c);
	}
	return e;
}
