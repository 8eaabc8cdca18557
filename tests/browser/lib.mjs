// lib.mjs - what the browser tests driven by a tests/integration/web_*.sh
// share: Debian's Chromium started headless, the ok/screenshot output,
// a page signed in with its errors collected, a contact of the page's
// own session polled from the API, and the closing report.
import { chromium } from 'playwright-core';

export const WAIT = 15000;

// harness(NAME, OUT): the browser and the test's output helpers.
export async function harness(name, out) {
	const started = Date.now();
	const browser = await chromium.launch({
		executablePath: '/usr/bin/chromium',
		headless: true,
		args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
			'--disable-background-networking', '--disable-component-update', '--disable-sync'],
	});
	const problems = [];
	let shot = 0;
	return {
		browser,
		problems,
		ok(what) {
			console.log(`ok   ${name}: ${what} (${Date.now() - started} ms)`);
		},
		async screenshot(page, what) {
			shot++;
			await page.screenshot({ path: `${out}/${String(shot).padStart(2, '0')}-${what}.png`, fullPage: true });
		},
		// signIn(URL, USER, PASSWORD, VIEWPORT, IGNORED): a new page on
		// URL signed in as USER; console errors but those whose status
		// matches IGNORED, and page errors, go to problems.
		async signIn(url, user, password, viewport, ignored) {
			const context = await browser.newContext({ locale: 'en-US', viewport });
			context.setDefaultTimeout(WAIT);
			const page = await context.newPage();
			page.on('console', (m) => {
				if (m.type() === 'error' && !ignored.test(m.text()))
					problems.push(`console: ${m.text()}`);
			});
			page.on('pageerror', (e) => problems.push(e.message));
			await page.goto(url);
			await page.getByLabel('User').fill(user);
			await page.getByLabel('Password').fill(password);
			await page.getByRole('button', { name: 'Sign in' }).click();
			return page;
		},
		// run(MAIN): MAIN, then the report; the browser closed either way.
		async run(main) {
			try {
				await main();
				if (problems.length) throw new Error(problems.join('\n'));
				console.log(`${name}: screenshots in ${out}`);
			} catch (e) {
				console.error(`FAIL ${name}: ${e.message}`);
				for (const p of problems) console.error(`  page: ${p}`);
				process.exitCode = 1;
			} finally {
				await browser.close();
			}
		},
	};
}

// watch(CHANNEL): state(PAGE), the first contact on CHANNEL as the API
// shows it to the page's session (or null); until(PAGE, WHAT, TEST)
// polls it until TEST holds (WAIT ms) and returns it, else throws with
// WHAT and the last answer.
export function watch(channel) {
	async function state(page) {
		return page.evaluate(async (ch) => {
			const r = await fetch('/api/v1/contacts', { credentials: 'same-origin' });
			const j = await r.json();
			return j.contacts.find((c) => c.channel === ch) || null;
		}, channel);
	}
	async function until(page, what, test) {
		const end = Date.now() + WAIT;
		for (;;) {
			const c = await state(page);
			if (test(c)) return c;
			if (Date.now() > end) throw new Error(`${what}: the API says ${JSON.stringify(c)}`);
			await page.waitForTimeout(100); // polling the API for a condition
		}
	}
	return { state, until };
}
