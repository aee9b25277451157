// Insight "as a person would": log in to the desk as Administrator, open the Social CRM
// workspace (number cards and charts rendered), a Customer with social history (timeline
// entries and the Social tab's summary chart), and a Mention (actions present; Correct Sentiment on
// the form and as a list action records human labels; "Mark
// Responded" changes its status).
//
// Run through ./run.sh SITE PORT (seeds data and serves the site). Screenshots: artifacts/insight-*.png
"use strict";

const assert = require("node:assert/strict");
const path = require("node:path");
const { ARTIFACTS, launch, login, run, screenshots, served, step } = require("./lib");

const { SITE, BASE } = served("insight.localhost", "8014");
const SEED = JSON.parse(process.env.SEED || "{}");
const CUSTOMER = SEED.customer || "Browser Social Customer";
const MENTION = SEED.mention;
const CARDS = [
	"Mentions Today",
	"Mentions Last 7 Days",
	"Negative Mention Share",
	"Unlinked Influential Authors",
	"Open Ideas",
];
const CHARTS = ["Mention Sentiment Trend", "Mention Volume by Platform", "Share of Voice"];

const shot = screenshots("insight");

async function expectCount(locator, n, timeout = 15000) {
	const until = Date.now() + timeout;
	let count = await locator.count();
	while (count !== n && Date.now() < until) {
		await new Promise((resolve) => setTimeout(resolve, 200));
		count = await locator.count();
	}
	assert.equal(count, n, `expected ${n} of ${locator}`);
}

async function main() {
	assert.ok(MENTION, "SEED must name the mention to work (run through run.sh)");
	const browser = await launch("insight", SITE, { viewport: { width: 1400, height: 1000 } });
	const { page } = browser;
	const errors = [];
	try {
		page.setDefaultTimeout(Number(process.env.BROWSER_TIMEOUT_MS) || 30000); // more on a loaded machine
		page.on("pageerror", (error) => {
			// frappe-charts' ResizeObserver redraw can race a route change and fail to remove
			// its old SVG (inside Frappe's desk bundle, not this app); anything else counts.
			const stack = String(error.stack || error);
			if (/removeChild/.test(stack) && /boundDrawFn/.test(stack)) return;
			errors.push(`${page.url()}: ${stack}`);
		});

		step("log in as Administrator");
		await login(page, BASE, "Administrator", process.env.ADMIN_PASSWORD || "admin");

		step("open the Social CRM workspace: number cards show numbers, charts are drawn");
		await page.goto(`${BASE}/app/social-crm`);
		for (const label of CARDS) {
			const card = page.locator(".widget.number-widget-box", { hasText: label });
			await card.waitFor();
			const number = card.locator(".number");
			await number.waitFor();
			const text = (await number.innerText()).trim();
			assert.match(text, /\d/, `number card "${label}" shows a number, got "${text}"`);
		}
		const mentions7 = await page
			.locator(".widget.number-widget-box", { hasText: "Mentions Last 7 Days" })
			.locator(".number")
			.innerText();
		assert.ok(Number(mentions7.replace(/[^\d]/g, "")) > 0, "there are mentions in the last 7 days");
		for (const title of CHARTS) {
			const chart = page.locator(".widget.dashboard-widget-box", { hasText: title });
			await chart.waitFor();
			await chart.locator(".chart-container svg, .frappe-chart svg").first().waitFor();
		}
		await page.waitForTimeout(1000); // chart animations
		await shot(page, "1-workspace");

		step("open the Customer: timeline shows mentions, the Social tab shows the summary chart");
		await page.goto(`${BASE}/app/customer/${encodeURIComponent(CUSTOMER)}`);
		await page.locator(".timeline-item .social-crm-mention").first().waitFor();
		const entries = await page.locator(".timeline-item .social-crm-mention").count();
		assert.ok(entries >= 5, `timeline shows the customer's mentions (${entries})`);
		await page.locator(".form-tabs .nav-link", { hasText: "Social" }).click();
		const summary = page.locator(".social-crm-summary");
		await summary.waitFor();
		await summary.locator(".social-crm-trend svg").first().waitFor();
		assert.match(await summary.innerText(), /Mentions: \d+/);
		await page.waitForTimeout(800);
		await shot(page, "2-customer-social");

		step("open the Mention: actions are there; Mark Responded changes the status");
		await page.goto(`${BASE}/app/mention/${MENTION}`);
		const respond = page.locator(".page-actions button, .page-head button", { hasText: "Mark Responded" });
		await respond.first().waitFor();
		assert.ok(
			await page.locator(".page-actions button, .page-head button", { hasText: "Ignore" }).first().isVisible(),
			"Ignore action is present"
		);
		const status = page.locator('select[data-fieldname="status"]');
		assert.notEqual(await status.inputValue(), "Responded");
		await shot(page, "3-mention-before");
		await respond.first().click();
		await page.waitForFunction(
			() => window.cur_frm && cur_frm.doc.status === "Responded" && cur_frm.doc.first_response_at
		);
		await page.waitForFunction(
			() => document.querySelector('select[data-fieldname="status"]')?.value === "Responded"
		);
		await page.locator('.frappe-control[data-fieldname="response_minutes"]').waitFor();
		assert.equal(
			await page.locator(".page-actions button", { hasText: "Mark Responded" }).count(),
			0,
			"Mark Responded is gone once responded"
		);
		await shot(page, "4-mention-responded");

		step("Correct Sentiment on the Mention form records a human label");
		await page.locator(".page-actions button, .page-head button", { hasText: "Correct Sentiment" }).first().click();
		const prompt = page.locator(".modal-dialog:visible");
		await prompt.locator('select[data-fieldname="sentiment"]').selectOption("Negative");
		await prompt.locator(".btn-primary", { hasText: "Save" }).click();
		await page.waitForFunction(
			() => window.cur_frm && cur_frm.doc.human_sentiment === "Negative" && cur_frm.doc.sentiment === "Negative"
		);
		await shot(page, "4b-mention-sentiment-corrected");

		step("in the Mention list, select two mentions and Ignore them with the bulk action");
		const filter = encodeURIComponent(JSON.stringify(["in", SEED.bulk]));
		await page.goto(`${BASE}/app/mention?external_id=${filter}`);
		// the desk keeps earlier pages hidden in the DOM: look at the visible list only
		const rows = page.locator(".list-row-container:visible .list-row");
		await expectCount(rows, SEED.bulk.length);
		await page.locator(".list-row-head:visible .list-check-all").first().check();
		await page.locator(".page-actions:visible .actions-btn-group button").click();
		await page
			.locator(".actions-btn-group .dropdown-menu:visible .dropdown-item", { hasText: "Ignore" })
			.click();
		await page.locator(".alert-message", { hasText: "mentions set to" }).first().waitFor();
		await expectCount(rows.filter({ hasText: "Ignored" }), SEED.bulk.length);
		await shot(page, "5-list-bulk-ignored");

		step("in the Mention list, Correct Sentiment of the selected mentions with the bulk action");
		await page.locator(".list-row-head:visible .list-check-all").first().check();
		await page.locator(".page-actions:visible .actions-btn-group button").click();
		await page
			.locator(".actions-btn-group .dropdown-menu:visible .dropdown-item", { hasText: "Correct Sentiment" })
			.click();
		const bulkPrompt = page.locator(".modal-dialog:visible");
		await bulkPrompt.locator('select[data-fieldname="sentiment"]').selectOption("Positive");
		await bulkPrompt.locator(".btn-primary", { hasText: "Save" }).click();
		await page.locator(".alert-message", { hasText: "mentions corrected" }).first().waitFor();
		const labels = await page.evaluate(
			(bulk) =>
				frappe.xcall("frappe.client.get_list", {
					doctype: "Mention",
					filters: { external_id: ["in", bulk] },
					fields: ["human_sentiment"],
				}),
			SEED.bulk
		);
		assert.deepEqual(
			labels.map((row) => row.human_sentiment),
			SEED.bulk.map(() => "Positive")
		);
		await shot(page, "5b-list-bulk-sentiment-corrected");

		step("open the Social Alert: View Mentions lists the mentions behind it");
		await page.goto(`${BASE}/app/social-alert/${SEED.alert}`);
		const view = page.locator(".page-actions button", { hasText: "View Mentions" }).first();
		await view.waitFor();
		assert.ok((await page.evaluate(() => cur_frm.doc.mention_count)) > 0, "the alert has mentions behind it");
		// what the button opens: the rule's mentions from the episode's start on
		const expected = await page.evaluate(
			() =>
				frappe
					.call("frappe.client.get_count", {
						doctype: "Mention",
						filters: [
							["Mention Rule Match", "listening_rule", "=", cur_frm.doc.listening_rule],
							["Mention", "posted_at", ">=", cur_frm.doc.mentions_from],
						],
					})
					.then((r) => r.message)
		);
		assert.ok(expected >= (await page.evaluate(() => cur_frm.doc.mention_count)));
		await view.click();
		await page.waitForURL(/\/app\/mention/);
		await page.locator(".list-row-container .list-row").first().waitFor();
		// count visible rows only: the desk keeps the earlier Mention list in the DOM, hidden
		await page.waitForFunction(
			(n) =>
				[...document.querySelectorAll(".list-row-container .list-row")].filter((row) => row.offsetParent)
					.length === Math.min(n, 20),
			expected
		);
		await shot(page, "5b-alert-mentions");

		for (const [report, name] of [
			["Sentiment Trend", "6-report-sentiment-trend"],
			["Share of Voice", "7-report-share-of-voice"],
			["Top Authors", "8-report-top-authors"],
		]) {
			step(`open the ${report} report: rows and chart`);
			await page.goto(`${BASE}/app/query-report/${encodeURIComponent(report)}`);
			await page.locator(".dt-scrollable .dt-row").first().waitFor();
			await page.locator(".chart-wrapper svg, .report-wrapper .frappe-chart svg").first().waitFor();
			await page.waitForTimeout(800);
			await shot(page, name);
		}

		assert.deepEqual(errors, [], "no JavaScript errors on the pages");
		console.log("insight browser test passed");
	} catch (error) {
		await page.screenshot({ path: path.join(ARTIFACTS, "insight-failure.png"), fullPage: true });
		throw error;
	} finally {
		await browser.close();
	}
}

run(main);
