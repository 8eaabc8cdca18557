// i18n.js - the pages in English, Italian and Spanish. The texts are
// plain JSON catalogues (web/i18n/LANG.json), one key per text; markup
// names its text with data-i18n="key" (and data-i18n-label for an
// aria-label), scripts call t('key', {name: ...}). The choice is kept in
// localStorage; the first visit follows the browser's language.

export const LANGUAGES = { en: 'English', it: 'Italiano', es: 'Español' };
const STORE = 'centralino-lang';
let catalogue = {};
let current = 'en';
const listeners = [];

export function language() {
	return current;
}

function preferred() {
	const saved = localStorage.getItem(STORE);
	if (saved in LANGUAGES) return saved;
	const nav = (navigator.language || 'en').slice(0, 2).toLowerCase();
	return nav in LANGUAGES ? nav : 'en';
}

// The text of key in the current language, {placeholders} filled in.
export function t(key, vars) {
	let s = catalogue[key];
	if (typeof s !== 'string') s = key;
	if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
	return s;
}

// Fill in every marked element under root.
export function translate(root) {
	for (const e of root.querySelectorAll('[data-i18n]')) e.textContent = t(e.dataset.i18n);
	for (const e of root.querySelectorAll('[data-i18n-label]'))
		e.setAttribute('aria-label', t(e.dataset.i18nLabel));
	for (const e of root.querySelectorAll('[data-i18n-title]')) document.title = t(e.dataset.i18nTitle);
}

export async function setLanguage(lang) {
	if (!(lang in LANGUAGES)) lang = 'en';
	const r = await fetch(`/i18n/${lang}.json`, { cache: 'no-cache' });
	if (!r.ok) throw new Error(`no catalogue for ${lang}`);
	catalogue = await r.json();
	current = lang;
	localStorage.setItem(STORE, lang);
	document.documentElement.lang = lang;
	translate(document);
	for (const f of listeners) f(lang);
}

// Call f after every change of language (to redraw what scripts drew).
export function onLanguage(f) {
	listeners.push(f);
}

// A <select> of the languages, wired to setLanguage().
export function languagePicker(select) {
	select.replaceChildren();
	for (const [code, name] of Object.entries(LANGUAGES)) {
		const o = document.createElement('option');
		o.value = code;
		o.lang = code;
		o.textContent = name;
		select.append(o);
	}
	select.value = current;
	select.addEventListener('change', () => setLanguage(select.value));
	onLanguage((l) => (select.value = l));
}

export function startLanguage() {
	return setLanguage(preferred());
}
