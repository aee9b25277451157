// What the browser tests share: where the served site is, headless Debian Chromium through
// playwright-core, screenshots, logging in, and how a test ends.
"use strict";

const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { chromium } = require("playwright-core");

const ARTIFACTS = process.env.ARTIFACTS || path.join(__dirname, "..", "artifacts");

const step = (text) => console.log(`- ${text}`);

// SITE / PORT from the environment (set by serve-and-test.sh), else the test's defaults
function served(defaultSite, defaultPort) {
	const site = process.env.SITE || defaultSite;
	const port = process.env.PORT || defaultPort;
	return { SITE: site, PORT: port, BASE: `http://${site}:${port}` };
}

// Screenshots are named <prefix>-<name>.png in ARTIFACTS.
function screenshots(prefix) {
	fs.mkdirSync(ARTIFACTS, { recursive: true });
	return async function shot(page, name) {
		const file = path.join(ARTIFACTS, `${prefix}-${name}.png`);
		await page.bringToFront(); // background tabs do not paint, so they cannot be captured
		await page.screenshot({ path: file, fullPage: true });
		step(`screenshot ${path.relative(process.cwd(), file)}`);
	};
}

// A persistent context is Playwright's way to pass a --user-data-dir of our own; close()
// closes the browser and removes that directory.
async function launch(prefix, site, options = {}) {
	const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-chromium-`));
	const context = await chromium.launchPersistentContext(userDataDir, {
		viewport: { width: 1200, height: 900 },
		executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
		headless: true,
		...options,
		args: [
			"--headless",
			"--no-sandbox",
			"--disable-gpu",
			"--disable-quic",
			"--no-first-run",
			"--disable-background-networking",
			"--disable-component-update",
			"--disable-sync",
			// the site name resolves to the local server, as a DNS entry would in production
			`--host-resolver-rules=MAP ${site} 127.0.0.1`,
		],
	});
	const page = context.pages()[0] || (await context.newPage());
	async function close() {
		await context.close();
		fs.rmSync(userDataDir, { recursive: true, force: true });
	}
	return { context, page, close };
}

// Frappe's login page; resolves once the browser has left /login.
async function login(page, base, user, password) {
	await page.goto(`${base}/login`);
	await page.fill("#login_email", user);
	await page.fill("#login_password", password);
	await Promise.all([page.waitForURL((url) => !url.pathname.startsWith("/login")), page.click(".btn-login")]);
}

function run(main) {
	main().catch((error) => {
		console.error(error);
		process.exit(1);
	});
}

module.exports = { ARTIFACTS, launch, login, run, screenshots, served, step };
