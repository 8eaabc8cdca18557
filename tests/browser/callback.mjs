// callback.mjs - the browser side of tests/integration/web_callback.sh:
// maria (agent1) on the agent desktop in Debian's Chromium
// (playwright-core) while the daemon calls a callback back: her sipp
// phone answers, then the customer (sipp at the outbound trunk). The
// callback shows as a call with the customer's number; she puts it on
// hold, resumes it, hangs up and ends the wrap-up with a disposition;
// each state is checked on the page and through the API (the page's own
// session). Every wait is on a page state, never a sleep.
// Usage: node callback.mjs http://127.0.0.1:PORT OUTDIR READY_FILE
import { writeFileSync } from 'node:fs';
import { chromium } from 'playwright-core';

const [BASE, OUT, READY] = process.argv.slice(2);
const WAIT = 15000;
const started = Date.now();
const NUMBER = '0644444444'; // the callback's data.number (web_callback.sh)

if (!BASE || !OUT || !READY) {
	console.error('usage: node callback.mjs BASE OUTDIR READY_FILE');
	process.exit(2);
}

const browser = await chromium.launch({
	executablePath: '/usr/bin/chromium',
	headless: true,
	args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
		'--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const problems = [];
let shot = 0;

function ok(what) {
	console.log(`ok   web_callback: ${what} (${Date.now() - started} ms)`);
}

async function screenshot(page, name) {
	shot++;
	await page.screenshot({ path: `${OUT}/${String(shot).padStart(2, '0')}-${name}.png`, fullPage: true });
}

// The callback as the API shows it to the page's session.
async function callback(page) {
	return page.evaluate(async () => {
		const r = await fetch('/api/v1/contacts', { credentials: 'same-origin' });
		const j = await r.json();
		return j.contacts.find((c) => c.channel === 'callback') || null;
	});
}

async function until(page, what, test) {
	const end = Date.now() + WAIT;
	for (;;) {
		const c = await callback(page);
		if (test(c)) return c;
		if (Date.now() > end) throw new Error(`${what}: the API says ${JSON.stringify(c)}`);
		await page.waitForTimeout(100); // polling the API for a condition
	}
}

async function main() {
	const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 800 } });
	context.setDefaultTimeout(WAIT);
	const page = await context.newPage();
	page.on('console', (m) => {
		if (m.type() === 'error' && !/status of (401|404|409)/.test(m.text()))
			problems.push(`console: ${m.text()}`);
	});
	page.on('pageerror', (e) => problems.push(e.message));
	await page.goto(`${BASE}/agent/`);
	await page.getByLabel('User').fill('maria');
	await page.getByLabel('Password').fill('maria-pw');
	await page.getByRole('button', { name: 'Sign in' }).click();
	await page.getByText('Signed in as maria').waitFor();
	writeFileSync(READY, 'signed in\n'); // the shell creates the callback now
	ok('maria signed in; the callback may be created');

	// her phone answered, the customer too: a call card, not a chat's
	await until(page, 'bridged', (c) => c?.call?.bridged === true && c.call.from === NUMBER);
	const card = page.getByRole('article', { name: `Call from ${NUMBER}` });
	await card.waitFor({ timeout: 30000 });
	await card.getByRole('status').filter({ hasText: 'Talking for' }).waitFor();
	await screenshot(page, 'talking');
	ok('the callback appears as a call with the customer\'s number, talking');

	await card.getByRole('button', { name: `Put the call from ${NUMBER} on hold` }).click();
	await card.getByRole('status').filter({ hasText: 'On hold for' }).waitFor();
	await until(page, 'hold', (c) => c?.call?.held === true);
	await screenshot(page, 'held');
	await card.getByRole('button', { name: `Resume the call from ${NUMBER}` }).click();
	await card.getByRole('status').filter({ hasText: 'Talking for' }).waitFor();
	await until(page, 'resume', (c) => c?.call?.held === false);
	ok('Hold and Resume: the card and the API agree');

	await card.getByRole('button', { name: `Hang up the call from ${NUMBER}` }).click();
	await card.getByRole('status').filter({ hasText: 'Wrap-up' }).waitFor();
	await until(page, 'hang-up', (c) => c?.state === 'wrapup');
	await screenshot(page, 'wrapup');
	await card.getByLabel('Disposition').fill('called-back');
	await card.getByRole('button', { name: `Wrap-up done for the call from ${NUMBER}` }).click();
	await card.waitFor({ state: 'detached' });
	await until(page, 'wrap-up done', (c) => c === null);
	await screenshot(page, 'done');
	ok('Hang up, then Wrap-up done with a disposition: the callback is gone');
}

try {
	await main();
	if (problems.length) throw new Error(problems.join('\n'));
	console.log(`web_callback: screenshots in ${OUT}`);
} catch (e) {
	console.error(`FAIL web_callback: ${e.message}`);
	for (const p of problems) console.error(`  page: ${p}`);
	process.exitCode = 1;
} finally {
	await browser.close();
}
