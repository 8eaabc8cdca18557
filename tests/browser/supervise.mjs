// supervise.mjs - the browser side of tests/integration/web_supervise.sh:
// the supervisor on the wallboard in Debian's Chromium (playwright-core)
// while a sipp caller talks to agent1's sipp phone. Without a phone given
// Listen is refused on the page; with "agent4" (a sipp phone) Listen
// rings it, the row says listening and then on the line; Whisper changes
// the mode from the keyboard; in Italian the buttons read so; Interrompi
// (Stop) ends it. Each step is checked on the page and through the API
// (the page's own session). Controls are found by role and accessible
// name; every wait is on a page state, never a sleep.
// Usage: node supervise.mjs http://127.0.0.1:PORT OUTDIR READY_FILE
import { writeFileSync } from 'node:fs';
import { harness, watch } from './lib.mjs';

const [BASE, OUT, READY] = process.argv.slice(2);

if (!BASE || !OUT || !READY) {
	console.error('usage: node supervise.mjs BASE OUTDIR READY_FILE');
	process.exit(2);
}

const { ok, screenshot, signIn, run } = await harness('web_supervise', OUT);
const { state: callState, until } = watch('voice');

async function main() {
	const page = await signIn(`${BASE}/wallboard/`, 'sup', 'sup-pw', { width: 1400, height: 900 },
		/status of (401|404|409)/ /* 404: the favicon */);
	await page.getByRole('columnheader', { name: 'Supervise' }).waitFor();
	writeFileSync(READY, 'signed in\n'); // the shell starts the caller now

	const call = await until(page, 'the call', (c) => c?.state === 'connected' && c.call);
	const id = call.id;
	const listen = page.getByRole('button', { name: `Listen: call #${id}` });
	await listen.waitFor({ timeout: 30000 });
	ok(`the call #${id} on the wallboard with Listen, Whisper, Barge in`);

	// no phone given: refused on the page, nothing asked
	await page.getByLabel(/Your phone/).fill('');
	await listen.click();
	await page.getByRole('alert').filter({ hasText: 'Give your phone first' }).waitFor();
	const still = await callState(page);
	if (still.call.supervision) throw new Error(`supervised without a phone: ${JSON.stringify(still.call)}`);
	ok('Listen without a phone: the page asks for it');

	await page.getByLabel(/Your phone/).fill('agent4');
	await page.getByLabel(/Your phone/).press('Tab');
	await listen.click();
	await until(page, 'listen', (c) => c?.call?.supervision?.mode === 'listen');
	const row = page.locator(`#contacts tr[data-key="${id}"]`);
	await row.getByText('listening, on the line').waitFor(); // agent4's sipp answers after 1 s
	await until(page, 'answered', (c) => c?.call?.supervision?.phone === 'talking');
	await screenshot(page, 'listening');
	ok('Listen with agent4: the phone rings, answers, the row says listening, on the line');

	// Whisper from the keyboard; the focus stays on the row's buttons
	const whisper = page.getByRole('button', { name: `Whisper: call #${id}` });
	await whisper.focus();
	await page.keyboard.press('Enter');
	await until(page, 'whisper', (c) => c?.call?.supervision?.mode === 'whisper');
	await row.getByText('whispering, on the line').waitFor();
	const focused = await page.evaluate(() => document.activeElement?.getAttribute('aria-label') || '');
	if (!focused.endsWith(`call #${id}`)) throw new Error(`the focus left the row: ${focused}`);
	await page.waitForTimeout(1500); // two redraws of the clock: the focus must survive them
	const kept = await page.evaluate(() => document.activeElement?.getAttribute('aria-label') || '');
	if (kept !== focused) throw new Error(`a redraw took the focus: ${focused} -> ${kept}`);
	await screenshot(page, 'whispering');
	ok('Whisper with the keyboard: the API and the row say whispering; the focus stays through redraws');

	// Italian: the controls read so; Interrompi stops
	await page.getByLabel('Language').selectOption('it');
	const stop = page.getByRole('button', { name: `Interrompi: chiamata #${id}` });
	await stop.waitFor();
	await page.getByRole('button', { name: `Ascolta: chiamata #${id}` }).waitFor();
	await row.getByText('suggerisce all\'agente, in linea').waitFor();
	await screenshot(page, 'italian');
	await stop.click();
	await until(page, 'stop', (c) => c?.call && !c.call.supervision);
	await page.getByRole('button', { name: `Ascolta: chiamata #${id}` }).waitFor();
	// Ascolta shows during supervision too: give the row its redraw
	await stop.waitFor({ state: 'detached', timeout: 5000 }).catch(() => {});
	if (await page.getByRole('button', { name: `Interrompi: chiamata #${id}` }).count())
		throw new Error('Stop still shown after the stop');
	await screenshot(page, 'stopped');
	ok('in Italian: Ascolta, Suggerisci, Interrompi; Interrompi ends the supervision');
}

await run(main);
