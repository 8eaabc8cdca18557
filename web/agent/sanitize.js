// sanitize.js - a sender's HTML made safe to show on the agent desktop
// (docs/pages.md, "E-mail"). The daemon keeps a mail's HTML as it came
// ("html_unsafe": scripts, event handlers, remote images and CSS that
// tell the sender when and where it was read, forms, frames...). Here it
// is parsed by DOMParser into an inert document (nothing in it runs or
// loads) and copied, element by element, into a new document through an
// allow-list: known harmless elements with a few harmless attributes;
// links to http, https and mailto only, opened in a new tab without
// opener or referrer, never followed by themselves; images only when
// they are inside the mail (data:image/...), every other image replaced
// by its alternative text and counted. Everything else is left out:
// dangerous elements with their content (script, style, iframe, object,
// svg, form controls...), unknown ones keeping their text. No style
// attribute and no class survive, so no CSS can fetch anything.
//
// The result is shown only inside a sandboxed <iframe srcdoc> (no
// scripts, no same origin, no forms) whose document carries its own
// strict Content-Security-Policy (frame()): three walls, each enough.
// We wrote this rather than ship DOMPurify: Debian has no package of it
// for the browser, and the pages ship no third-party code.

// Dropped with everything inside them.
const DROP = new Set(['script', 'style', 'template', 'iframe', 'frame', 'frameset', 'object', 'embed',
	'applet', 'noscript', 'noembed', 'noframes', 'svg', 'math', 'link', 'meta', 'base', 'title', 'head',
	'input', 'button', 'select', 'textarea', 'option', 'optgroup', 'datalist', 'output', 'progress', 'meter',
	'audio', 'video', 'source', 'track', 'canvas', 'picture', 'portal', 'slot', 'dialog', 'xmp', 'plaintext',
	'param', 'map', 'area', 'marquee', 'iframe', 'keygen', 'menu']);

// Kept (with the attributes below); any other element gives way to its
// children (html, body, form, font, custom elements...).
const KEEP = new Set(['a', 'abbr', 'address', 'article', 'aside', 'b', 'bdi', 'bdo', 'blockquote', 'br',
	'caption', 'center', 'cite', 'code', 'col', 'colgroup', 'dd', 'del', 'details', 'dfn', 'div', 'dl', 'dt',
	'em', 'figcaption', 'figure', 'footer', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hr', 'i', 'img',
	'ins', 'kbd', 'li', 'main', 'mark', 'nav', 'ol', 'p', 'pre', 'q', 's', 'samp', 'section', 'small', 'span',
	'strike', 'strong', 'sub', 'summary', 'sup', 'table', 'tbody', 'td', 'tfoot', 'th', 'thead', 'time', 'tr',
	'tt', 'u', 'ul', 'var', 'wbr']);

const ATTRS = {
	'*': ['lang', 'dir', 'title', 'align'],
	a: ['href'],
	img: ['src', 'alt', 'width', 'height'],
	td: ['colspan', 'rowspan', 'valign'],
	th: ['colspan', 'rowspan', 'valign', 'scope'],
	ol: ['start', 'type'],
	col: ['span'],
	colgroup: ['span'],
	time: ['datetime'],
};

const LINK = /^(https?:|mailto:)$/;
const INLINE_IMAGE = /^data:image\/(png|gif|jpeg|webp);base64,[a-z0-9+/=\s]*$/i;
const MAX_NODES = 20000; // a mail bigger than this is cut, not hung on

// A link's address when it is one we let the agent open, else null.
function linkOf(href) {
	try {
		const u = new URL(href.trim());
		return LINK.test(u.protocol) ? u.href : null;
	} catch {
		return null; // relative, or not a URL: nothing to open
	}
}

function copyAttributes(from, to, tag, report) {
	const allowed = [...ATTRS['*'], ...(ATTRS[tag] || [])];
	for (const name of allowed) {
		const v = from.getAttribute(name);
		if (v === null) continue;
		if (name === 'href') {
			const href = linkOf(v);
			if (href) to.setAttribute('href', href);
			else report.links_dropped++;
		} else if (name === 'src') {
			// only the caller's checked data: image gets here
			to.setAttribute('src', v);
		} else {
			to.setAttribute(name, v.slice(0, 200));
		}
	}
	if (tag === 'a' && to.hasAttribute('href')) {
		to.setAttribute('target', '_blank');
		to.setAttribute('rel', 'noopener noreferrer nofollow');
		report.links++;
	}
}

// An <img>: kept when its picture is in the mail, else its alt text.
function image(from, doc, report) {
	const src = (from.getAttribute('src') || '').trim();
	if (INLINE_IMAGE.test(src)) {
		const img = doc.createElement('img');
		copyAttributes(from, img, 'img', report);
		return img;
	}
	if (src || from.hasAttribute('srcset')) report.blocked++;
	const alt = (from.getAttribute('alt') || '').trim();
	return alt ? doc.createTextNode(`[${alt}]`) : null;
}

function copyChildren(from, to, doc, report) {
	for (const child of from.childNodes) {
		if (++report.nodes > MAX_NODES) {
			report.cut = true;
			return;
		}
		if (child.nodeType === Node.TEXT_NODE) {
			to.append(doc.createTextNode(child.nodeValue));
		} else if (child.nodeType === Node.ELEMENT_NODE) {
			const copy = element(child, doc, report);
			if (copy) to.append(copy);
		}
		// comments, processing instructions, doctypes: left out
	}
}

function element(from, doc, report) {
	const tag = from.localName.toLowerCase();
	// anything outside HTML's namespace (svg, math) is dropped whole
	if (from.namespaceURI !== 'http://www.w3.org/1999/xhtml' || DROP.has(tag)) {
		report.removed++;
		if (tag === 'iframe' || tag === 'frame' || tag === 'object' || tag === 'embed' ||
			tag === 'link' || tag === 'audio' || tag === 'video' || tag === 'source') report.blocked++;
		return null;
	}
	if (tag === 'img') return image(from, doc, report);
	if (!KEEP.has(tag)) {
		const frag = doc.createDocumentFragment();
		copyChildren(from, frag, doc, report);
		return frag;
	}
	const copy = doc.createElement(tag);
	copyAttributes(from, copy, tag, report);
	copyChildren(from, copy, doc, report);
	return copy;
}

// sanitize(html) -> {html, blocked, links, removed, cut}: html is the
// markup of a body made only of allowed elements and attributes;
// blocked counts the remote contents left out (images, frames...).
export function sanitize(html) {
	const report = { blocked: 0, links: 0, links_dropped: 0, removed: 0, nodes: 0, cut: false };
	const dirty = new DOMParser().parseFromString(String(html || ''), 'text/html');
	const doc = document.implementation.createHTMLDocument('');
	copyChildren(dirty.body, doc.body, doc, report);
	// CSS in the head (style, link) is never copied: only the body is
	return { html: doc.body.innerHTML, ...report };
}

// The policy of the frame's own document: nothing may load but the
// images inside the mail; no script, style, form, font or frame.
export const FRAME_CSP = "default-src 'none'; img-src data:; form-action 'none'; base-uri 'none'";

// A sandboxed frame showing the clean HTML: no allow-scripts, no
// allow-same-origin, no allow-forms, no top navigation; a link opens
// in a new tab (allow-popups) outside the sandbox, without opener.
export function frame(clean, title) {
	const f = document.createElement('iframe');
	f.setAttribute('sandbox', 'allow-popups allow-popups-to-escape-sandbox');
	f.setAttribute('referrerpolicy', 'no-referrer');
	f.setAttribute('title', title);
	f.className = 'mail-html';
	f.srcdoc = '<!doctype html><html><head><meta charset="utf-8">' +
		`<meta http-equiv="Content-Security-Policy" content="${FRAME_CSP}">` +
		`</head><body>${clean.html}</body></html>`;
	return f;
}
