// email.mjs - the browser side of tests/integration/web_email.sh:
// Debian's Chromium driven by playwright-core. maria, an agent, gets an
// e-mail whose HTML part is hostile (a script, an onerror image, remote
// images, CSS and a frame, a form, a javascript: link), opens it on the
// desktop and answers it. Checked here: the offer and the view show
// From, Subject, date, the text, the attachment; the HTML shows
// sanitised in its sandboxed frame; no script ran (the page's title and
// a global the script would set), no request went to the remote host;
// the sanitizer's own vectors; an answer sent, a second one through a
// network failure (sent again with its client_id, mailed once: the
// shell checks the customer's mailbox); finish, wrap-up done; the view
// in Italian. Controls are found by role and accessible name; every
// wait is on a page state, never a sleep.
// Usage: node email.mjs http://127.0.0.1:PORT OUTDIR
import { chromium } from 'playwright-core';

const BASE = process.argv[2];
const OUT = process.argv[3];
const WAIT = 10000;
const started = Date.now();
const REMOTE = 'tracker.remote.test';

const browser = await chromium.launch({
	executablePath: '/usr/bin/chromium',
	headless: true,
	args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
		'--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const problems = [];
const remote = [];
let shot = 0;
let offline = false;

function ok(what) {
	console.log(`ok   web_email: ${what} (${Date.now() - started} ms)`);
}

function check(cond, what) {
	if (!cond) throw new Error(what);
}

async function main() {
	const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 1000 } });
	context.setDefaultTimeout(WAIT);
	// every request of the page and its frames: none may reach the
	// remote host (and none could: it is refused here, and does not exist)
	context.on('request', (r) => {
		if (new URL(r.url()).hostname.endsWith(REMOTE)) remote.push(r.url());
	});
	await context.route(`**/*${REMOTE}*/**`, (route) => route.abort());
	const page = await context.newPage();
	// The page's own CSP reports the mail's handlers, style attributes
	// and <base> it refused while the sanitizer parsed the mail into an
	// inert document (Chromium reports them even there): expected, and
	// nothing ran. Any other error, or a refused load, is a fault; so is
	// a failed load but those the test's offline minute causes.
	const expected = /^(Executing inline event handler|Applying inline style|Setting the document's base URI)/;
	page.on('console', (m) => {
		if (m.type() !== 'error' || expected.test(m.text()) || /status of (401|404|409)/.test(m.text())) return;
		if (offline && /ERR_INTERNET_DISCONNECTED/.test(m.text())) return;
		problems.push(`console: ${m.text()}`);
	});
	page.on('pageerror', (e) => problems.push(e.message));
	const snap = async (name) => {
		shot++;
		await page.screenshot({ path: `${OUT}/${String(shot).padStart(2, '0')}-${name}.png`, fullPage: true });
	};
	await page.goto(`${BASE}/agent/`);
	const title = await page.title();

	// ---- the sanitizer's vectors, in the page itself
	const vectors = await page.evaluate(async () => {
		const { sanitize } = await import('/agent/sanitize.js');
		const cases = [
			['<p>hi <b>there</b></p>', (h) => h === '<p>hi <b>there</b></p>'],
			['<script>alert(1)</script><p>x</p>', (h) => h === '<p>x</p>'],
			['<img src=x onerror=alert(1)>', (h) => h === ''],
			['<img src="http://e.test/a.png" alt="logo">', (h, r) => h === '[logo]' && r.blocked === 1],
			['<img src="data:image/png;base64,iVBORw0KGgo=" alt="i">', (h) => h.startsWith('<img src="data:image/png')],
			['<img src="data:image/svg+xml;base64,PHN2Zz4=">', (h) => h === ''],
			['<a href="javascript:alert(1)">j</a>', (h) => h === '<a>j</a>'],
			['<a href="https://x.test/" onclick="f()">l</a>', (h) => h === '<a href="https://x.test/" target="_blank" rel="noopener noreferrer nofollow">l</a>'],
			['<a href="/relative">r</a>', (h) => h === '<a>r</a>'],
			['<p style="background:url(http://e.test/b)" class="c" id="i">s</p>', (h) => h === '<p>s</p>'],
			['<style>p{}</style><link rel=stylesheet href=http://e.test/s.css>t', (h) => h === 't'],
			['<iframe src="http://e.test/"></iframe><object data=x></object><embed src=x>', (h, r) => h === '' && r.blocked === 3],
			['<form action="http://e.test/"><input name=a>in<button>b</button></form>', (h) => h === 'in'],
			['<svg><script>alert(1)</script><a href="https://x.test">s</a></svg>', (h) => h === ''],
			['<math><mi xlink:href="javascript:alert(1)">m</mi></math>', (h) => h === ''],
			['<meta http-equiv=refresh content="0;url=http://e.test/">', (h) => h === ''],
			['<custom-el onclick=x>k</custom-el><font color=red>f</font>', (h) => h === 'kf'],
			['<table><tr><td colspan=2 onmouseover=x>c</td></tr></table>', (h) => h === '<table><tbody><tr><td colspan="2">c</td></tr></tbody></table>'],
			['<!-- <script>x</script> -->c', (h) => h === 'c'],
			['<noscript><img src=x onerror=alert(1)></noscript>n', (h) => h === 'n'],
			['<p title="&quot;><script>x</script>">q</p>', (h) => !/<script/i.test(h) && h.startsWith('<p title=')],
			['&lt;script&gt;alert(1)&lt;/script&gt;', (h) => h === '&lt;script&gt;alert(1)&lt;/script&gt;'],
			['<img srcset="http://e.test/a.png 1x">', (h, r) => h === '' && r.blocked === 1],
			['<base href="http://e.test/"><a href="x">b</a>', (h) => h === '<a>b</a>'],
		];
		return cases.map(([input, okf]) => {
			const r = sanitize(input);
			return { input, html: r.html, ok: okf(r.html, r) };
		});
	});
	const bad = vectors.filter((v) => !v.ok);
	check(!bad.length, `sanitizer vectors: ${JSON.stringify(bad)}`);
	ok(`the sanitizer's ${vectors.length} vectors hold`);

	// ---- maria signs in and goes ready: the e-mail is offered
	await page.getByLabel('User').fill('maria');
	await page.getByLabel('Password').fill('maria-pw');
	await page.getByRole('button', { name: 'Sign in' }).click();
	await page.getByText('Signed in as maria').waitFor();
	await page.getByRole('button', { name: 'Ready', exact: true }).click();
	const offer = page.getByRole('listitem', { name: 'e-mail from Ada Perrò' });
	await offer.getByText('Subject: Prenotazione vaccino').waitFor();
	await snap('offer');
	await page.getByRole('button', { name: 'Accept e-mail from Ada Perrò' }).click();
	const mail = page.getByRole('article', { name: 'E-mail from Ada Perrò' });
	await mail.waitFor();
	ok('the e-mail was offered with its sender and subject, accepted');

	// ---- the mail: header, text, attachment
	const head = mail.locator('dl.mail-head');
	await head.getByText('Ada Perrò <ada@example.org>').waitFor();
	await head.getByText('Prenotazione vaccino').waitFor();
	await head.getByText('help@centralino.test').waitFor();
	const date = await head.locator('dd').nth(3).textContent();
	check(/2026/.test(date), `the date shown: ${date}`);
	await mail.getByRole('region', { name: 'Message' }).getByText('Buongiorno, vorrei prenotare il vaccino.').waitFor();
	const att = mail.getByRole('list', { name: 'Attachments (1)' }).getByRole('listitem');
	await att.getByText('tessera.pdf').waitFor();
	await att.getByText(/application\/pdf · 1(\.\d)? kB/i).waitFor();
	ok('From, To, Subject, date, the text and the attachment (name, type, size) shown');

	// ---- the HTML: sanitised, in its sandboxed frame
	const summary = mail.getByText(/^Formatted version \(made safe: \d+ images or contents from outside blocked\)$/);
	await summary.click();
	const frameEl = mail.locator('iframe.mail-html');
	check(await frameEl.getAttribute('sandbox') === 'allow-popups allow-popups-to-escape-sandbox',
		'the frame is not sandboxed as it should be');
	check(await frameEl.getAttribute('title') === 'Formatted version of the mail from Ada Perrò', 'the frame has no title');
	const srcdoc = await frameEl.getAttribute('srcdoc');
	check(srcdoc.includes("Content-Security-Policy\" content=\"default-src 'none'; img-src data:"), 'no CSP in the frame');
	const body = srcdoc.slice(srcdoc.indexOf('<body>'));
	for (const bad of [/<script/i, /\son\w+=/i, /tracker\.remote\.test/, /javascript:/i, /<iframe/i, /<form/i, /<input/i, /style=/i, /<style/i, /<img/i, /<svg/i, /<meta/i])
		check(!bad.test(body), `the frame's body still has ${bad}: ${body}`);
	const frame = page.frameLocator('iframe.mail-html');
	await frame.getByText('vorrei prenotare').waitFor();
	await frame.getByText('[logo ASL]').waitFor();
	const link = frame.getByRole('link', { name: 'informazioni' });
	check(await link.getAttribute('target') === '_blank', 'a link opens in place');
	check((await link.getAttribute('rel')).includes('noopener'), 'a link without noopener');
	check(await frame.getByText('trappola').getAttribute('href') === null, 'the javascript: link kept its href');
	check(await page.title() === title, `a script ran: the title is ${await page.title()}`);
	check(await page.evaluate(() => window.pwned === undefined), 'a script of the mail ran');
	check(remote.length === 0, `requests to the remote host: ${remote.join(' ')}`);
	await snap('mail-open');
	ok('the HTML shows sanitised in a sandboxed frame with its own CSP; no script ran, nothing fetched from outside');

	// ---- the answer, from the desktop
	const answer = mail.getByLabel('Answer to Ada Perrò');
	await answer.fill('Gentile Ada, la aspettiamo martedì alle 9.');
	await mail.getByRole('button', { name: 'Send the answer' }).click();
	const log = mail.getByRole('log', { name: 'Conversation with Ada Perrò' });
	await log.locator('li.msg:not(.pending)', { hasText: 'la aspettiamo martedì' }).waitFor();
	ok('the answer was sent from the desktop and shows in the conversation');

	// ---- a second answer through a network failure: sent again, once
	offline = true;
	await context.setOffline(true);
	await answer.fill('Porti con sé la tessera sanitaria.');
	await answer.press('Control+Enter');
	await log.locator('li.pending', { hasText: 'tessera sanitaria' }).getByText('sending…').waitFor();
	await context.setOffline(false);
	await log.locator('li.msg:not(.pending)', { hasText: 'tessera sanitaria' }).waitFor({ timeout: 20000 });
	offline = false;
	check(await log.locator('li.msg').count() === 2, 'the conversation does not hold the two answers once each');
	await snap('answered');
	ok('an answer sent with Ctrl+Enter while offline went once the network was back');

	// ---- in Italian
	await page.getByLabel('Language').selectOption('it');
	const mailIt = page.getByRole('article', { name: 'E-mail da Ada Perrò' });
	await mailIt.getByRole('button', { name: 'Invia la risposta' }).waitFor();
	await mailIt.getByRole('list', { name: 'Allegati (1)' }).waitFor();
	await snap('italian');
	await page.getByLabel('Lingua').selectOption('en');
	ok('the view in Italian');

	// ---- finish with a disposition, wrap-up done
	await mail.getByLabel('Disposition').selectOption('answered');
	await mail.getByRole('button', { name: 'Finish the e-mail from Ada Perrò' }).click();
	await mail.getByRole('button', { name: 'Wrap-up done for Ada Perrò' }).waitFor();
	check(await mail.getByLabel('Answer to Ada Perrò').isDisabled(), 'the answer stays open in wrap-up');
	await snap('wrapup');
	await mail.getByRole('button', { name: 'Wrap-up done for Ada Perrò' }).click();
	await mail.waitFor({ state: 'detached' });
	await page.locator('#state-now', { hasText: 'State: Ready' }).waitFor();
	await snap('done');
	ok('finished with a disposition, wrap-up done: the agent is ready again');

	check(!problems.length, `page problems: ${problems.join('; ')}`);
	check(remote.length === 0, `requests to the remote host: ${remote.join(' ')}`);
}

try {
	await main();
	console.log(`web_email: browser part passed in ${Date.now() - started} ms`);
} catch (e) {
	console.error(`FAIL web_email: ${e.message}`);
	for (const p of problems) console.error(`  ${p}`);
	process.exitCode = 1;
} finally {
	await browser.close();
}
