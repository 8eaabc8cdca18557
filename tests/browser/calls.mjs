// calls.mjs - the browser side of tests/integration/web_calls.sh: maria
// (agent1) on the agent desktop in Debian's Chromium (playwright-core)
// while a sipp caller talks to her sipp phone through the daemon. She
// puts the call on hold, resumes it with the keyboard, opens the
// transfer form (a number outside dialing.allow is refused), consults
// agent2 in an attended transfer and cancels it, reads the controls in Italian, hangs up and ends
// the wrap-up with a disposition; each
// state is checked on the page and through the API (the page's own
// session). Controls are found by role and accessible name; every wait
// is on a page state, never a sleep.
// Usage: node calls.mjs http://127.0.0.1:PORT OUTDIR READY_FILE
import { writeFileSync } from 'node:fs';
import { harness, watch } from './lib.mjs';

const [BASE, OUT, READY] = process.argv.slice(2);
const NUMBER = '0612345678'; // the caller of tests/integration/voice/caller.xml

if (!BASE || !OUT || !READY) {
	console.error('usage: node calls.mjs BASE OUTDIR READY_FILE');
	process.exit(2);
}

const { ok, screenshot, signIn, run } = await harness('web_calls', OUT);
const { state: callState, until } = watch('voice');

async function main() {
	const page = await signIn(`${BASE}/agent/`, 'maria', 'maria-pw', { width: 1280, height: 800 },
		/status of (401|403|404|409)/ /* 403: the refused number */);
	await page.getByText('Signed in as maria').waitFor();
	writeFileSync(READY, 'signed in\n'); // the shell starts the caller now
	ok('maria signed in; the caller may dial');

	const card = page.getByRole('article', { name: `Call from ${NUMBER}` });
	await card.waitFor({ timeout: 30000 });
	await card.getByRole('status').filter({ hasText: 'Talking for' }).waitFor();
	await screenshot(page, 'talking');
	ok('the call appears on the desktop, talking');

	// Hold with the mouse: the page and the API say held
	await card.getByRole('button', { name: `Put the call from ${NUMBER} on hold` }).click();
	await card.getByRole('status').filter({ hasText: 'On hold for' }).waitFor();
	await until(page, 'hold', (c) => c?.call?.held === true);
	await page.locator('#announce', { hasText: 'is on hold' }).waitFor();
	await card.getByText(/On hold for 0:0[1-9]/).waitFor(); // the held time moves on
	await screenshot(page, 'held');
	ok('Hold: the card says on hold (its time moving), the API says held');

	// Resume with the keyboard
	const resume = card.getByRole('button', { name: `Resume the call from ${NUMBER}` });
	await resume.focus();
	await page.keyboard.press('Enter');
	await card.getByRole('status').filter({ hasText: 'Talking for' }).waitFor();
	const c = await until(page, 'resume', (x) => x?.call?.held === false);
	if (c.call.held_total_ms < 1000) throw new Error(`held time not counted: ${JSON.stringify(c.call)}`);
	ok('Resume with the keyboard: talking again, the held time counted');

	// The transfer form: keyboard in, the tenant's other queues, Escape out
	const transfer = card.getByRole('button', { name: `Transfer the call from ${NUMBER}` });
	await transfer.focus();
	await page.keyboard.press('Enter');
	const kind = card.getByLabel('Transfer to');
	await kind.waitFor();
	if (!(await kind.evaluate((e) => e === document.activeElement))) throw new Error('the transfer form did not take the focus');
	const queues = await card.getByLabel('Queue', { exact: true }).locator('option').allTextContents();
	if (!queues.includes('health') || queues.includes('information') || queues.includes('elsewhere'))
		throw new Error(`the transfer's queues: ${queues}`);
	await kind.selectOption('number');
	await card.getByLabel('Number').fill('0044123456'); // not in dialing.allow
	await card.getByRole('button', { name: 'Transfer', exact: true }).click();
	await page.getByRole('alert').filter({ hasText: 'may not be dialled' }).waitFor();
	await screenshot(page, 'transfer-refused');
	const kept = await callState(page);
	if (kept?.state !== 'connected' || kept?.agent !== 'agent1') throw new Error(`a refused transfer moved the call: ${JSON.stringify(kept)}`);
	await kind.focus();
	await page.keyboard.press('Escape');
	await kind.waitFor({ state: 'hidden' });
	if (!(await transfer.evaluate((e) => e === document.activeElement))) throw new Error('Escape did not give the focus back');
	ok('Transfer… opens a form by keyboard, with the tenant\'s other queues; a number outside the allowed ones is refused and the call stays; Escape closes it');

	// Italian, then back
	await page.getByLabel('Language').selectOption('it');
	await page.getByRole('article', { name: `Chiamata da ${NUMBER}` })
		.getByRole('button', { name: `Metti in attesa la chiamata da ${NUMBER}` }).waitFor();
	await screenshot(page, 'italian');
	await page.getByLabel('Lingua').selectOption('en');
	await card.waitFor();
	ok('the controls read in Italian');

	// Attended transfer to agent2, consulted then cancelled
	await transfer.click();
	await kind.selectOption('agent');
	await card.getByLabel('Agent', { exact: true }).fill('agent2');
	await card.getByLabel('Consult first (attended)').check();
	await card.getByRole('button', { name: 'Transfer', exact: true }).click();
	await card.getByRole('status').filter({ hasText: 'Consulting agent2' }).waitFor();
	await until(page, 'consult', (x) => x?.call?.consult === 'talking' && x.call.held === true);
	const complete = card.getByRole('button', { name: `Complete the transfer of the call from ${NUMBER}` });
	if (!(await complete.evaluate((e) => e === document.activeElement))) throw new Error('the focus is not on Complete transfer');
	await screenshot(page, 'consulting');
	await card.getByRole('button', { name: `Cancel the transfer of the call from ${NUMBER}` }).click();
	await card.getByRole('status').filter({ hasText: 'Talking for' }).waitFor();
	await until(page, 'cancel', (x) => x?.call && !x.call.consult && x.call.held === false && x.agent === 'agent1');
	ok('attended transfer to agent2: consulting (the caller held), Cancel: back to the caller');

	// Hang up: the card goes to wrap-up; the API says wrap-up
	await card.getByRole('button', { name: `Hang up the call from ${NUMBER}` }).click();
	await card.getByRole('status').filter({ hasText: 'Wrap-up' }).waitFor();
	await until(page, 'hang-up', (x) => x?.state === 'wrapup');
	if (await card.getByRole('button', { name: /Hold|Hang up/ }).count()) {
		const visible = await card.getByRole('button', { name: /Hold|Hang up/ }).first().isVisible();
		if (visible) throw new Error('call buttons still shown in wrap-up');
	}
	await screenshot(page, 'wrapup');
	ok('Hang up: the card and the API say wrap-up');

	// the wrap-up: a disposition and notes, then Wrap-up done
	await card.getByLabel('Disposition').fill('info-given');
	await card.getByLabel('Notes').fill('asked about opening hours');
	await card.getByRole('button', { name: `Wrap-up done for the call from ${NUMBER}` }).click();
	await card.waitFor({ state: 'detached' });
	await until(page, 'wrap-up done', (x) => x === null);
	await page.locator('#state-now', { hasText: 'State: Ready' }).waitFor();
	await screenshot(page, 'done');
	ok('Wrap-up done with a disposition: the call is gone, the agent ready');
}

await run(main);
