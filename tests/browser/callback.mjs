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
import { harness, watch } from './lib.mjs';

const [BASE, OUT, READY] = process.argv.slice(2);
const NUMBER = '0644444444'; // the callback's data.number (web_callback.sh)

if (!BASE || !OUT || !READY) {
	console.error('usage: node callback.mjs BASE OUTDIR READY_FILE');
	process.exit(2);
}

const { ok, screenshot, signIn, run } = await harness('web_callback', OUT);
const { until } = watch('callback');

async function main() {
	const page = await signIn(`${BASE}/agent/`, 'maria', 'maria-pw', { width: 1280, height: 800 },
		/status of (401|404|409)/);
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

await run(main);
