// signin.js - the sign-in form and the header of our pages: shows the
// form until a cookie session exists, then calls onIn(session); the
// "Sign out" button ends the session and shows the form again.
import { currentSession, signIn, signOut } from './api.js';
import { t, onLanguage } from './i18n.js';

const $ = (id) => document.getElementById(id);

export function setupSignIn(onIn, onOut) {
	const form = $('signin-form');
	const error = $('signin-error');
	let session = null;

	const showWho = () => {
		$('who').textContent = session ? t('signedin', { user: session.user }) : '';
	};
	onLanguage(showWho);

	const enter = (s) => {
		session = s;
		$('signin').hidden = true;
		$('signout').hidden = false;
		showWho();
		onIn(s);
	};
	const leave = () => {
		session = null;
		$('signin').hidden = false;
		$('signout').hidden = true;
		showWho();
		onOut();
		$('user').focus();
	};

	form.addEventListener('submit', async (e) => {
		e.preventDefault();
		error.textContent = '';
		try {
			enter(await signIn($('user').value, $('password').value));
			$('password').value = '';
		} catch (err) {
			error.textContent = err.status === 429 ? t('signin.throttled')
				: err.status === 401 ? t('signin.failed')
				: t('error.generic', { message: err.message });
		}
	});
	$('signout').addEventListener('click', async () => {
		try {
			await signOut();
		} finally {
			leave();
		}
	});

	return {
		async start() {
			const s = await currentSession();
			if (s) enter(s);
			else leave();
		},
		// The socket closed: is the session still there?
		async check() {
			if (!(await currentSession().catch(() => session))) leave();
		},
	};
}
