// compose.js - what the agent desktop's two answer forms share (a chat's
// message, app.js; an e-mail's answer, email.js): the text shown in the
// log as pending under an id of the page's own, and posted with that id,
// again with the same id after a network failure or a 503 (the daemon
// stores it once), up to five times.
import { api, el } from '../common/api.js';
import { t } from '../common/i18n.js';

function newClientId(prefix) {
	const b = new Uint8Array(12);
	crypto.getRandomValues(b);
	return prefix + [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
}

// The log item of BODY while it is sent, its id (PREFIX and 24 hex
// digits) in data-client-id.
export function pendingItem(prefix, body) {
	return el('li', { class: 'msg mine pending', 'data-client-id': newClientId(prefix), 'data-sender': 'agent' },
		el('span', { class: 'who' }, t('chat.me')),
		el('span', { class: 'body' }, body),
		el('span', { class: 'pending-state' }, t('chat.sending')));
}

// Posts {client_id, body} of pending item LI to PATH; true once
// committed. Else (another error, shown by showError, or five failures)
// LI is marked failed and the answer is false.
export async function postPending(li, path, body, showError) {
	for (let attempt = 0; attempt < 5; attempt++) {
		try {
			await api('POST', path, { client_id: li.dataset.clientId, body });
			return true;
		} catch (e) {
			if (e.status !== 0 && e.status !== 503) {
				showError(e);
				break;
			}
			await new Promise((r) => setTimeout(r, 500 * 2 ** attempt));
		}
	}
	li.classList.add('failed');
	li.querySelector('.pending-state').textContent = t('chat.failed');
	return false;
}
