// pages.mjs - the browser side of tests/integration/web_pages.sh: Debian's
// Chromium driven by playwright-core, each person in a browser context
// of their own (no shared cookies or storage):
//   maria, an agent (capacity: two chats), on the agent desktop (/agent/);
//   two visitors on the widget's demo page (/chat/demo.html);
//   sup, a supervisor, on the wallboard (/wallboard/) and the
//   administration page (/admin/).
// Controls are found by role and accessible name, as a screen reader
// finds them; every wait is on a page state (locators), never a sleep.
// Usage: node pages.mjs http://127.0.0.1:PORT OUTDIR
import { chromium } from 'playwright-core';

const BASE = process.argv[2];
const OUT = process.argv[3];
const WAIT = 10000;
const started = Date.now();

if (!BASE || !OUT) {
	console.error('usage: node pages.mjs BASE OUTDIR');
	process.exit(2);
}

const browser = await chromium.launch({
	executablePath: '/usr/bin/chromium',
	headless: true,
	args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
		'--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const pages = {};
const problems = [];
let shot = 0;

// refused: the statuses a page's requests may get without a fault (the
// console reports them); the administration page's test provokes a 400
// and a 403.
async function open(who, path, refused = '401|404|409') {
	const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 800 } });
	context.setDefaultTimeout(WAIT);
	const page = await context.newPage();
	// A CSP refusal or a script error is a failure of the pages.
	page.on('console', (m) => {
		if (m.type() === 'error' && !new RegExp(`the server responded with a status of (${refused})`).test(m.text()))
			problems.push(`${who}: console: ${m.text()}`);
	});
	page.on('pageerror', (e) => problems.push(`${who}: ${e.message}`));
	await page.goto(BASE + path);
	pages[who] = page;
	return page;
}

async function screenshot(name) {
	for (const [who, page] of Object.entries(pages)) {
		shot++;
		await page.screenshot({ path: `${OUT}/${String(shot).padStart(2, '0')}-${name}-${who}.png`, fullPage: true });
	}
}

function ok(what) {
	console.log(`ok   web_pages: ${what} (${Date.now() - started} ms)`);
}

async function main() {
	// ---- the agent signs in and goes ready
	const agent = await open('agent', '/agent/');
	await agent.getByLabel('User').fill('maria');
	await agent.getByLabel('Password').fill('maria-pw');
	await agent.getByRole('button', { name: 'Sign in' }).click();
	await agent.getByText('Signed in as maria').waitFor();
	// keyboard: the language picker, then back
	await agent.getByLabel('Language').selectOption('it');
	await agent.getByRole('button', { name: 'Pronto', exact: true }).waitFor();
	await agent.getByRole('heading', { name: 'Offerte' }).waitFor();
	await agent.getByLabel('Lingua').selectOption('es');
	await agent.getByRole('button', { name: 'Disponible', exact: true }).waitFor();
	await agent.getByLabel('Idioma').selectOption('en');
	await agent.getByRole('button', { name: 'Ready', exact: true }).focus();
	await agent.keyboard.press('Enter');
	await agent.locator('#state-now', { hasText: 'State: Ready' }).waitFor();
	ok('the agent signed in (cookie session), switched it/es/en, went ready with the keyboard');

	// ---- the supervisor's wallboard
	const wall = await open('wallboard', '/wallboard/');
	await wall.getByLabel('User').fill('sup');
	await wall.getByLabel('Password').fill('sup-pw');
	await wall.getByRole('button', { name: 'Sign in' }).click();
	const queueRow = wall.getByRole('table', { name: 'Queues' }).getByRole('row', { name: /information/ });
	await queueRow.waitFor();
	const agentRow = wall.locator('#agents tr[data-agent="demo/agent1"]');
	await agentRow.locator('td.state', { hasText: 'Ready' }).waitFor();
	ok('the wallboard shows the queue and agent1 ready');

	// ---- a visitor opens the widget on the demo page
	const visitor = await open('visitor', '/chat/demo.html');
	await visitor.getByRole('button', { name: 'Chat with us' }).click();
	await visitor.getByLabel('Your name').fill('Ada');
	await visitor.getByLabel('Topic').fill('vaccine booking');
	await visitor.getByLabel('Your e-mail (optional)').fill('ada@example.org');
	const t0 = Date.now();
	await visitor.getByRole('button', { name: 'Start chat' }).click();
	await visitor.getByRole('status').filter({ hasText: /operator|line/ }).waitFor();

	// ---- the agent gets the offer at once, pushed, and accepts it
	const accept = agent.getByRole('button', { name: 'Accept chat from Ada' });
	await accept.waitFor();
	const offerMs = Date.now() - t0;
	await agent.getByRole('listitem', { name: 'chat from Ada' }).getByText('Topic: vaccine booking').waitFor();
	await screenshot('offer');
	await accept.click();
	const chat = agent.getByRole('article', { name: 'Chat with Ada' });
	await chat.waitFor();
	await visitor.getByRole('status').filter({ hasText: 'You are chatting with an operator.' }).waitFor();
	ok(`the offer reached the desktop ${offerMs} ms after the visitor opened the chat; accepted`);

	// ---- "is typing…" both ways, before the first words cross
	await visitor.getByLabel('Your message').fill('Hello');
	await chat.getByText('Ada is typing…').waitFor();
	await chat.getByLabel('Message to Ada').fill('Good');
	await visitor.getByText('The operator is typing…').waitFor();
	ok('"is typing…" shown both ways: Ada to the agent, the operator to Ada');

	// ---- messages both ways
	await visitor.getByLabel('Your message').fill('Hello, I need to book a vaccine.');
	await visitor.getByRole('button', { name: 'Send' }).click();
	await chat.getByRole('log', { name: 'Messages with Ada' })
		.getByText('Hello, I need to book a vaccine.').waitFor();
	// her message came: she no longer "is typing"
	await agent.waitForFunction(() => document.querySelector('article.chat p.typing').textContent === '');
	const box = chat.getByLabel('Message to Ada');
	await box.fill('Good morning Ada, which day suits you?');
	await box.press('Enter');
	await visitor.getByRole('log').getByText('Good morning Ada, which day suits you?').waitFor();
	await visitor.getByLabel('Your message').fill('Tuesday <b>morning</b>');
	await visitor.getByLabel('Your message').press('Enter');
	await chat.getByRole('log').getByText('Tuesday <b>morning</b>').waitFor();
	if ((await chat.locator('.log b').count()) !== 0) throw new Error('a message was rendered as HTML');
	ok('messages crossed both ways (text, never HTML)');

	// ---- a reload of the visitor's page resumes the chat, nothing doubled
	await visitor.reload();
	await visitor.getByRole('log').getByText('Tuesday <b>morning</b>').waitFor();
	await visitor.getByRole('status').filter({ hasText: 'You are chatting with an operator.' }).waitFor();
	const visitorMsgs = await visitor.getByRole('log').locator('li').count();
	if (visitorMsgs !== 3) throw new Error(`after the reload the visitor sees ${visitorMsgs} messages, not 3`);
	ok('the visitor reloaded: the chat resumed from sessionStorage with its 3 messages');

	// ---- a second visitor: two chats at once (the agent's capacity is 2)
	const visitor2 = await open('visitor2', '/chat/demo.html');
	await visitor2.getByRole('button', { name: 'Chat with us' }).click();
	await visitor2.getByLabel('Your name').fill('Bruno');
	await visitor2.getByLabel('Topic').fill('pension');
	await visitor2.getByRole('button', { name: 'Start chat' }).click();
	await agent.getByRole('button', { name: 'Accept chat from Bruno' }).click();
	const chat2 = agent.getByRole('article', { name: 'Chat with Bruno' });
	await chat2.waitFor();
	await visitor2.getByLabel('Your message').fill('Buongiorno, una domanda sulla pensione');
	await visitor2.getByLabel('Your message').press('Enter');
	await chat2.getByRole('log').getByText('Buongiorno, una domanda sulla pensione').waitFor();
	await chat2.getByLabel('Message to Bruno').fill('Mi dica pure');
	await chat2.getByLabel('Message to Bruno').press('Enter');
	await visitor2.getByRole('log').getByText('Mi dica pure').waitFor();
	if ((await chat.getByText('pensione').count()) !== 0 || (await visitor.getByText('Mi dica pure').count()) !== 0)
		throw new Error("a message reached the other chat");
	ok('a second chat at once: each message in its own conversation');

	// ---- the wallboard shows the chats and the agent busy
	const contactRow = wall.locator('#contacts tbody tr', { hasText: 'Ada' });
	await contactRow.getByRole('cell', { name: 'chat', exact: true }).waitFor();
	await contactRow.getByRole('cell', { name: 'Connected' }).waitFor();
	await contactRow.getByRole('cell', { name: 'agent1' }).waitFor();
	await wall.locator('#contacts tbody tr', { hasText: 'Bruno' }).getByRole('cell', { name: 'Connected' }).waitFor();
	await agentRow.locator('td.state', { hasText: 'Busy' }).waitFor();
	// both answered: the average speed of answer is a time, the counters
	// say since when they run (the daemon started today)
	await queueRow.locator('td.asa', { hasText: /^\d+:\d\d$/ }).waitFor();
	await wall.locator('#queues-since', { hasText: /^Answered, abandoned, service level and ASA count since / }).waitFor();
	// the chart of the last hours, read from the queue report: the chats
	// offered so far are in it (it is read again when the events feed
	// reconnects, and every minute: reload to read it now)
	await wall.reload();
	await wall.getByRole('img', { name: /The last 4 hours/ }).waitFor();
	await wall.locator('#chart-sum', { hasText: /[1-9]\d* contacts offered/ }).waitFor();
	if ((await wall.locator('#chart-svg rect.offered').count()) !== 16)
		throw new Error('the chart has not 16 quarters of an hour');
	await screenshot('talking');
	ok('the wallboard shows both chats connected to agent1, agent1 busy, and the chats in its chart of the last hours (after a reload)');

	// ---- Bruno's chat ends first, its disposition given at finish; Ada's goes on
	const brunoKey = await chat2.getAttribute('data-key');
	await chat2.getByLabel('Disposition').selectOption('info-given');
	await chat2.getByRole('button', { name: 'Finish the conversation with Bruno' }).click();
	await visitor2.getByRole('status').filter({ hasText: 'The chat has ended.' }).waitFor();
	await chat2.getByRole('button', { name: 'Wrap-up done for Bruno' }).click();
	await chat2.waitFor({ state: 'detached' });
	await pages.visitor2.context().close();
	delete pages.visitor2;
	await chat.getByLabel('Message to Ada').waitFor();

	// ---- finish, wrap-up, done
	await chat.getByRole('button', { name: 'Finish the conversation with Ada' }).click();
	await chat.getByText('Wrap-up: the conversation is over').waitFor();
	await agent.locator('#state-now', { hasText: 'Wrap-up' }).waitFor();
	await visitor.getByRole('status').filter({ hasText: 'The chat has ended.' }).waitFor();
	await agentRow.locator('td.state', { hasText: 'Wrap-up' }).waitFor();
	// the disposition (the queue's codes) and notes, sent with wrap-up done
	const adaKey = await chat.getAttribute('data-key');
	const codes = await chat.getByLabel('Disposition').locator('option').allTextContents();
	if (codes.join() !== '— none —,booked,info-given,no-answer') throw new Error(`the disposition codes: ${codes}`);
	await chat.getByLabel('Disposition').selectOption('booked');
	await chat.getByLabel('Notes').fill('Booked for Tuesday morning.');
	await screenshot('wrapup');
	await chat.getByRole('button', { name: 'Wrap-up done for Ada' }).click();
	await chat.waitFor({ state: 'detached' });
	await agent.locator('#state-now', { hasText: 'State: Ready' }).waitFor();
	await agentRow.locator('td.state', { hasText: 'Ready' }).waitFor();
	await wall.locator('#contacts tbody', { hasText: 'None.' }).waitFor();
	ok('finish, wrap-up and wrap-up done: the agent is ready again, the wallboard empty');
	// the visitor has the transcript mailed, to the address she gave
	const mail = visitor.getByRole('form', { name: 'E-mail me the transcript' });
	if ((await mail.getByLabel('Your e-mail', { exact: true }).inputValue()) !== 'ada@example.org')
		throw new Error('the transcript form is not filled with her address');
	await mail.getByRole('button', { name: 'Send the transcript' }).click();
	await mail.getByRole('status').filter({ hasText: 'The transcript is on its way to ada@example.org.' }).waitFor();
	ok('the visitor had her transcript mailed from the widget');
	// what was recorded, read by the supervisor's page
	const read = (key) => wall.evaluate(async (k) => (await fetch(`/api/v1/contacts/${k}`)).json(), key);
	const ada = await read(adaKey);
	const bruno = await read(brunoKey);
	if (ada.disposition !== 'booked' || ada.notes !== 'Booked for Tuesday morning.')
		throw new Error(`Ada's contact: ${JSON.stringify(ada)}`);
	if (bruno.disposition !== 'info-given' || bruno.notes !== undefined)
		throw new Error(`Bruno's contact: ${JSON.stringify(bruno)}`);
	ok('the dispositions and notes are recorded: booked with notes at wrap-up done (Ada), info-given at finish (Bruno)');

	// ---- Ada comes back: her offer shows what happened last time
	await visitor.getByRole('button', { name: 'Start a new chat' }).click();
	await visitor.getByLabel('Your name').fill('Ada');
	await visitor.getByLabel('Topic').fill('change my booking');
	await visitor.getByLabel('Your e-mail (optional)').fill('Ada@Example.org');
	await visitor.getByRole('button', { name: 'Start chat' }).click();
	const back = agent.getByRole('listitem', { name: 'chat from Ada' });
	const earlier = back.locator('details.history');
	await earlier.getByText('Earlier contacts of ada@example.org: 1').click();
	const line = earlier.getByRole('listitem');
	await line.filter({ hasText: /chat · information · agent1 · booked — Booked for Tuesday morning\.$/ }).waitFor();
	if ((await line.getAttribute('data-key')) !== adaKey) throw new Error(`the earlier contact is ${await line.getAttribute('data-key')}, not ${adaKey}`);
	await screenshot('history');
	await visitor.getByRole('button', { name: 'End chat' }).click();
	await back.waitFor({ state: 'detached' });
	await agent.locator('#state-now', { hasText: 'State: Ready' }).waitFor();
	ok("Ada came back with her address in another case: her offer showed her earlier chat, its agent, disposition and notes; she left before it was answered");

	// ---- the agent's own callbacks: one for later, kept for them and
	// cancelled; one due now, offered to them at once
	const local = (ms) => agent.evaluate((m) => {
		const d = new Date(Date.now() + m);
		return new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
	}, ms);
	const form = agent.getByRole('form', { name: 'Call a customer back later' });
	await form.getByLabel('Number to call').fill('+39 06 1234 5678');
	await form.getByLabel('Name').fill('Carla');
	await form.getByLabel('When').fill(await local(3 * 3600000));
	await form.getByLabel('Note').fill('about her results');
	await form.getByRole('button', { name: 'Schedule the callback' }).click();
	const mine = agent.getByRole('list', { name: 'My callbacks' }).getByRole('listitem');
	await mine.filter({ hasText: /^Carla, \+39 06 1234 5678: due .*kept for you until .*about her results/ }).waitFor();
	const cbs = (await agent.evaluate(async () => (await (await fetch('/api/v1/contacts')).json()).contacts))
		.filter((c) => c.channel === 'callback');
	if (cbs.length !== 1 || cbs[0].owner !== 'agent1' || cbs[0].state !== 'scheduled')
		throw new Error(`the agent's callbacks through the API: ${JSON.stringify(cbs)}`);
	await screenshot('callbacks');
	await mine.getByRole('button', { name: 'Cancel the callback to Carla' }).click();
	await mine.first().waitFor({ state: 'detached' });
	await form.getByLabel('Number to call').fill('+39 06 1234 5678');
	await form.getByLabel('Name').fill('Carla');
	await form.getByLabel('When').fill(await local(-60000));
	await form.getByRole('button', { name: 'Schedule the callback' }).click();
	await agent.getByRole('button', { name: 'Accept callback from Carla' }).click();
	const callback = agent.getByRole('article', { name: 'Chat with Carla' });
	await callback.getByRole('link', { name: 'Number: +39 06 1234 5678' }).waitFor();
	await callback.getByRole('button', { name: 'Finish the conversation with Carla' }).click();
	await callback.getByRole('button', { name: 'Wrap-up done for Carla' }).click();
	await callback.waitFor({ state: 'detached' });
	await agent.locator('#state-now', { hasText: 'State: Ready' }).waitFor();
	ok('the agent scheduled a callback kept for them (listed, cancelled), then one due now: offered to them at once, the number to call shown');

	// ---- not ready with a reason, shown on the wallboard
	await agent.getByLabel('Reason').selectOption('lunch');
	await agent.getByRole('button', { name: 'Not ready' }).click();
	await agent.locator('#state-now', { hasText: 'State: Not ready (Lunch)' }).waitFor();
	await agentRow.locator('td.state', { hasText: 'Not ready' }).waitFor();
	await screenshot('end');
	ok('not ready with a reason, on the desktop and the wallboard');

	await supervise(wall, agent, agentRow);
	await admin();

	if (problems.length) throw new Error(`the pages reported:\n  ${problems.join('\n  ')}`);
}

// The supervisor's acts on the wallboard: agent1 forced ready (its
// desktop follows at once), moved from information to vaccines and
// information given back, the hotline's emergency mode on and off with
// the keyboard; each read back through the API.
async function supervise(wall, agent, agentRow) {
	const get = (path) => wall.evaluate(async (p) => (await fetch(p)).json(), path);
	await agentRow.getByLabel('State to set for agent1').selectOption('ready');
	await agentRow.getByRole('button', { name: 'Set the state of agent1' }).click();
	await agent.locator('#state-now', { hasText: 'State: Ready' }).waitFor();
	await agentRow.locator('td.state', { hasText: 'Ready' }).waitFor();
	ok('the supervisor set agent1 ready on the wallboard: its desktop shows it at once');

	const ready = (queue) => wall.locator(`#queues tr[data-queue="demo/${queue}"] td.num`).nth(6);
	await agentRow.locator('td.queues', { hasText: /^information$/ }).waitFor();
	await agentRow.getByRole('button', { name: 'Move agent1 between queues' }).click();
	const dialog = wall.getByRole('dialog', { name: 'Queues of agent1' });
	await dialog.getByLabel('information', { exact: true }).uncheck();
	await dialog.getByLabel('vaccines', { exact: true }).check();
	await dialog.getByRole('button', { name: 'Apply' }).click();
	await dialog.waitFor({ state: 'hidden' });
	await agentRow.locator('td.queues', { hasText: /^vaccines \(moved by sup\)$/ }).waitFor();
	await ready('vaccines').filter({ hasText: /^1$/ }).waitFor();
	await ready('information').filter({ hasText: /^0$/ }).waitFor();
	let a1 = (await get('/api/v1/agents')).agents.find((a) => a.name === 'agent1');
	const q = Object.fromEntries(a1.queues.map((x) => [x.name, x]));
	if (q.information.member !== false || q.vaccines.member !== true || q.vaccines.changed_by !== 'sup')
		throw new Error(`agent1's queues after the move: ${JSON.stringify(a1.queues)}`);
	await screenshot('moved');
	// information back to the file, with the keyboard
	await agentRow.getByRole('button', { name: 'Move agent1 between queues' }).focus();
	await wall.keyboard.press('Enter');
	await dialog.getByRole('button', { name: 'Back to the file for information' }).focus();
	await wall.keyboard.press('Enter');
	await dialog.waitFor({ state: 'hidden' });
	await agentRow.locator('td.queues', { hasText: /^information, vaccines \(moved by sup\)$/ }).waitFor();
	await ready('information').filter({ hasText: /^1$/ }).waitFor();
	a1 = (await get('/api/v1/agents')).agents.find((a) => a.name === 'agent1');
	if (JSON.stringify(a1.queues.find((x) => x.name === 'information')) !==
		'{"name":"information","member":true,"priority":0,"source":"file"}')
		throw new Error(`information after the restore: ${JSON.stringify(a1.queues)}`);
	ok('agent1 moved from information to vaccines (the queues count it at once), information given back to the file with the keyboard');

	const region = wall.getByRole('region', { name: 'Emergency switch' });
	const toggle = region.getByRole('button', { name: 'Emergency mode of hotline' });
	if ((await toggle.getAttribute('aria-pressed')) !== 'false') throw new Error('the hotline starts in emergency');
	await toggle.focus();
	await wall.keyboard.press('Enter');
	await region.getByRole('button', { name: 'Emergency mode of hotline', pressed: true }).waitFor();
	await region.getByText('hotline: emergency on').waitFor();
	if (!(await get('/api/v1/flows')).flows[0].emergency) throw new Error('the API does not show the emergency on');
	await screenshot('emergency');
	await wall.keyboard.press('Enter'); // the focus stays on the switch
	await region.getByRole('button', { name: 'Emergency mode of hotline', pressed: false }).waitFor();
	if ((await get('/api/v1/flows')).flows[0].emergency) throw new Error('the API still shows the emergency on');
	ok("the hotline's emergency mode switched on and off with the keyboard, the API agreeing");
}

// The supervisor on the administration page: who is on call, tomorrow
// changed (an error first, as the API words it), a day restored.
async function admin() {
	const adm = await open('admin', '/admin/', '400|401|403|404|409');
	await adm.getByLabel('User').fill('sup');
	await adm.getByLabel('Password').fill('sup-pw');
	await adm.getByRole('button', { name: 'Sign in' }).click();
	const rota = adm.getByRole('article', { name: 'Rota oncall' });
	await rota.locator('dd.today', { hasText: /^anna$/ }).waitFor();
	await rota.locator('dd.tomorrow', { hasText: /^anna$/ }).waitFor();
	const days = rota.getByRole('table', { name: 'oncall: the next 14 days' }).locator('tbody tr');
	if ((await days.count()) !== 14) throw new Error(`the rota shows ${await days.count()} days, not 14`);
	const tomorrow = await days.nth(1).getAttribute('data-date');
	const row = rota.locator(`tr[data-date="${tomorrow}"]`);
	await row.getByRole('cell', { name: 'Weekly pattern' }).waitFor();
	ok(`the administration page: anna on call today and tomorrow (${tomorrow}), 14 days of the weekly pattern`);

	// keyboard: the change button opens the form, its first place focused
	await row.getByRole('button', { name: /^Change the duty of / }).focus();
	await adm.keyboard.press('Enter');
	const form = rota.getByRole('form', { name: /^Who is on duty on / });
	const first = form.getByLabel('Place 1 in the calling order');
	await first.waitFor();
	if (!(await first.evaluate((e) => e === document.activeElement)))
		throw new Error('the first place of the form does not have the focus');
	// nobody on duty: the API's 400, naming the field, is shown in the form
	await first.selectOption('');
	await form.getByRole('button', { name: 'Save' }).click();
	await form.getByRole('alert').filter({ hasText: "field 'duty'" }).waitFor();
	await first.selectOption('marco');
	await form.getByRole('button', { name: 'Save' }).click();
	await form.waitFor({ state: 'detached' });
	await rota.locator('dd.tomorrow', { hasText: /^marco$/ }).waitFor();
	await row.getByRole('cell', { name: 'Override' }).waitFor();
	await row.locator('td.changed-by', { hasText: /^sup$/ }).waitFor();
	await row.locator('td.calls', { hasText: /^marco$/ }).waitFor();
	await rota.locator('dd.today', { hasText: /^anna$/ }).waitFor();
	const api = await adm.evaluate(async () => (await (await fetch('/api/v1/rotas')).json()).rotas[0].tomorrow);
	if (api.source !== 'override' || api.changed_by !== 'sup' || api.duty.map((p) => p.name).join() !== 'marco')
		throw new Error(`the API's tomorrow: ${JSON.stringify(api)}`);
	await screenshot('rota');
	ok('tomorrow changed to marco in the page: source override, changed by sup, the same through the API; an empty duty refused with the field named');

	// the day after: changed, then restored to the file's duty
	const after = days.nth(2);
	await after.getByRole('button', { name: /^Change the duty of / }).click();
	await form.getByLabel('Place 1 in the calling order').selectOption('marco');
	await form.getByLabel('Place 2 in the calling order').selectOption('anna');
	await form.getByRole('button', { name: 'Save' }).click();
	await after.locator('td.calls', { hasText: /^marco, anna$/ }).waitFor();
	await after.getByRole('button', { name: /^Change the duty of / }).click();
	await form.getByRole('button', { name: "Restore the file's duty" }).click();
	await after.getByRole('cell', { name: 'Weekly pattern' }).waitFor();
	await after.locator('td.duty', { hasText: /^anna$/ }).waitFor();
	ok('the day after: marco then anna, then restored to the weekly pattern');

	// what the file owns, read-only: no control but Refresh
	const cfg = adm.getByRole('region', { name: 'The configuration' });
	await cfg.getByText(/^Read-only here: the configuration file owns/).waitFor();
	await cfg.getByRole('table', { name: 'Queues' }).getByRole('row', { name: /information/ })
		.getByRole('cell', { name: 'booked, info-given, no-answer' }).waitFor();
	const agentCfg = cfg.getByRole('table', { name: 'Agents' }).getByRole('row', { name: /agent1/ });
	await agentCfg.getByRole('cell', { name: 'Ready', exact: true }).waitFor();
	await agentCfg.getByRole('cell', { name: 'information, vaccines (moved in by sup)' }).waitFor();
	await cfg.getByRole('table', { name: 'Tenants' }).getByRole('row', { name: /demo/ }).waitFor();
	await cfg.getByRole('table', { name: 'Skills' }).getByText('None.').waitFor();
	// users are for administrators: the supervisor's 403 is said in the table
	await cfg.getByRole('table', { name: 'Users' }).getByText('Your role does not allow this.').waitFor();
	const controls = await cfg.locator('input, select, textarea, button:not(#config-refresh)').count();
	if (controls !== 0) throw new Error(`the configuration section has ${controls} controls`);
	ok('tenants, agents, queues (with their codes), skills read-only; users refused to a supervisor, said in the page');

	// the audit log: the three acts, newest first
	const log = adm.getByRole('table', { name: 'Administrative acts, newest first' }).locator('tbody tr');
	await log.first().getByRole('cell', { name: 'Rota day restored' }).waitFor();
	const act = log.filter({ hasText: `rota demo/oncall ${tomorrow}` });
	await act.getByRole('cell', { name: 'Rota day changed' }).waitFor();
	await act.getByRole('cell', { name: 'sup', exact: true }).waitFor();
	await act.getByRole('cell', { name: 'marco', exact: true }).waitFor();
	// and the wallboard's: agent1 forced ready, moved, given back; the
	// emergency on and off
	for (const [what, object] of [['Agent moved into a queue', 'agent demo/agent1 queue vaccines'],
		['Agent moved out of a queue', 'agent demo/agent1 queue information'],
		["Agent's queue back to the file", 'agent demo/agent1 queue information'],
		['Emergency switched on', 'hotline'], ['Emergency switched off', 'hotline']])
		await log.filter({ hasText: object }).getByRole('cell', { name: what }).first().waitFor();
	if ((await log.count()) !== 9) throw new Error(`the audit log shows ${await log.count()} acts, not 9`);
	if (await adm.getByRole('button', { name: 'Older acts' }).isVisible())
		throw new Error('"Older acts" offered under a page of 9');
	// in Italian too
	await adm.getByLabel('Language').selectOption('it');
	await adm.getByRole('table', { name: 'Atti amministrativi, dal più recente' })
		.getByRole('row', { name: new RegExp(`rota demo/oncall ${tomorrow}`) })
		.getByRole('cell', { name: 'Giorno di turno cambiato' }).waitFor();
	await adm.getByRole('article', { name: 'Turno oncall' }).locator(`tr[data-date="${tomorrow}"]`)
		.getByRole('cell', { name: 'Modifica' }).waitFor();
	await screenshot('admin');
	await adm.getByLabel('Lingua').selectOption('en');
	ok('the audit log shows the override by sup, newest first; the page in Italian');
}

let code = 0;
try {
	await main();
} catch (e) {
	code = 1;
	console.error(`FAIL web_pages: ${e.message}`);
	if (problems.length) console.error(`  the pages reported:\n  ${problems.join('\n  ')}`);
	try {
		await screenshot('failure');
	} catch (e2) {
		console.error(`  no screenshot: ${e2.message}`);
	}
	console.error(`web_pages: screenshots in ${OUT}`);
}
await browser.close();
console.log(`web_pages: browser part took ${Date.now() - started} ms`);
process.exit(code);
