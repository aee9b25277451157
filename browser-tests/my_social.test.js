// /my-social "as a person would": a customer's portal user logs in, sees their social profiles and
// why they are linked, unlinks a profile that is not theirs (confirming first), withdraws a consent,
// downloads their data and requests erasure; the desk (Administrator over the REST API) sees the same
// state, and the manager rejects the request on its desk form.
//
// Run through ./my_social.run.sh SITE PORT (seeds data and serves the site). Screenshots: artifacts/my-social-*.png
"use strict";

const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const { request } = require("playwright-core");
const { ARTIFACTS, launch, login, run, screenshots, served, step } = require("./lib");

const { SITE, PORT, BASE } = served("my-social.localhost", "8016");
const USER = process.env.MY_SOCIAL_USER || "my-social.portal@example.com";
const PASSWORD = process.env.MY_SOCIAL_PASSWORD || "My-Social-Portal-2026!";
const ADMIN_PASSWORD = process.env.ADMIN_PASSWORD || "admin";
const MINE = "mila@mastodon.social";
const WRONG = "mila_rossi@mastodon.social";
const shot = screenshots("my-social");

// the desk's view: Administrator over the REST API (same server, the site as Host header)
async function desk() {
	const api = await request.newContext({
		baseURL: `http://127.0.0.1:${PORT}`,
		extraHTTPHeaders: { Host: SITE, Accept: "application/json" },
	});
	const login = await api.post("/api/method/login", { form: { usr: "Administrator", pwd: ADMIN_PASSWORD } });
	assert.ok(login.ok(), `desk login: ${login.status()}`);
	return api;
}

async function deskProfile(api, handle) {
	const response = await api.get("/api/resource/Social Profile", {
		params: { filters: JSON.stringify([["handle", "=", handle]]), fields: JSON.stringify(["name", "party", "do_not_auto_link"]) },
	});
	assert.ok(response.ok(), `desk read: ${response.status()}`);
	return (await response.json()).data[0];
}

async function main() {
	const browser = await launch("my-social", SITE, { acceptDownloads: true });
	const { context, page } = browser;
	const errors = [];
	const api = await desk();
	try {
		page.on("pageerror", (error) => errors.push(String(error)));

		step("log in as a customer's portal user");
		await login(page, BASE, USER, PASSWORD);

		step("open /my-social: both profiles, with why they are linked");
		await page.goto(`${BASE}/my-social`);
		const mine = page.locator(".my-social-profile", { hasText: MINE });
		const wrong = page.locator(".my-social-profile", { hasText: WRONG });
		await mine.waitFor();
		await wrong.waitFor();
		assert.match(await mine.innerText(), /the profile's email is the contact's email/);
		assert.match(await page.locator("#my-social-mentions").innerText(), /espresso beans/);
		await shot(page, "1-page");

		step("unlink the wrong profile: a confirmation first, Cancel keeps it");
		await wrong.locator(".my-social-unlink").click();
		const confirmBox = page.locator(".my-social-confirm");
		await confirmBox.waitFor();
		assert.match(await confirmBox.innerText(), new RegExp(WRONG.replace(/[.@]/g, "\\$&")));
		await shot(page, "2-confirm-unlink");
		await confirmBox.locator(".my-social-confirm-no").click();
		assert.equal(await wrong.count(), 1, "cancel keeps the profile");
		assert.ok((await deskProfile(api, WRONG)).party, "still linked after cancel");

		await wrong.locator(".my-social-unlink").click();
		await page.locator(".my-social-confirm .my-social-confirm-yes").click();
		await page.locator("#my-social-message.ok").waitFor();
		assert.equal(await wrong.count(), 0, "the profile left the list");
		await page.reload();
		await mine.waitFor();
		assert.equal(await page.locator(".my-social-profile", { hasText: WRONG }).count(), 0, "still gone after reload");
		const unlinked = await deskProfile(api, WRONG);
		assert.ok(!unlinked.party, "the desk sees the profile unlinked");
		assert.equal(unlinked.do_not_auto_link, 1, "and automatic linking off");
		assert.ok((await deskProfile(api, MINE)).party, "the right profile stays linked");
		await shot(page, "3-unlinked");

		step("withdraw the marketing consent");
		const marketing = page.locator(".my-social-purpose[data-purpose='Marketing']");
		assert.match(await marketing.locator(".my-social-state").innerText(), /Allowed by you/);
		await marketing.locator(".my-social-consent-btn[data-granted='0']").click();
		await marketing.locator(".my-social-consent-btn[data-granted='1']").waitFor();
		await page.reload();
		assert.match(
			await page.locator(".my-social-purpose[data-purpose='Marketing'] .my-social-state").innerText(),
			/Withdrawn by you/
		);
		const entries = await api.get("/api/resource/Social Consent Entry", {
			params: {
				filters: JSON.stringify([["purpose", "=", "Marketing"], ["source", "=", "Portal /my-social"]]),
				fields: JSON.stringify(["status"]),
			},
		});
		// one entry per party of the person (their Contact and their Customer)
		const statuses = (await entries.json()).data.map((e) => e.status);
		assert.ok(statuses.length >= 1 && statuses.every((s) => s === "Withdrawn"), `the desk's consent log has the withdrawal: ${statuses}`);
		await shot(page, "4-consent-withdrawn");

		step("download my data");
		const [download] = await Promise.all([page.waitForEvent("download"), page.click("#my-social-download")]);
		const file = path.join(ARTIFACTS, "my-social-data.json");
		await download.saveAs(file);
		const data = JSON.parse(fs.readFileSync(file, "utf8"));
		const profiles = data.exports.flatMap((e) => e.profiles.map((p) => p.handle));
		assert.ok(profiles.includes(MINE), "the export has the person's profile");
		assert.ok(data.exports.some((e) => e.mentions.some((m) => /espresso beans/.test(m.text))), "and their post");
		const consent = data.exports.flatMap((e) => e.consent_entries.map((c) => `${c.purpose}:${c.status}`));
		assert.ok(consent.includes("Marketing:Withdrawn"), "and the withdrawal");
		await page.locator("#my-social-message.ok").waitFor();
		await shot(page, "5-downloaded");

		step("request erasure: a confirmation first, then a request waits for the team");
		await page.click("#my-social-erase");
		await page.locator(".my-social-confirm .my-social-confirm-yes").click();
		await page.locator("#my-social-erase").waitFor({ state: "detached" });
		assert.match(await page.locator("#my-social-message").innerText(), /erasure request was received/);
		await page.reload();
		await page.locator("#my-social-pending").waitFor();
		const pending = await api.get("/api/resource/Social Privacy Request", {
			params: {
				filters: JSON.stringify([["website_user", "=", USER], ["status", "=", "Pending Approval"]]),
				fields: JSON.stringify(["name", "request_type"]),
			},
		});
		const [requestRow] = (await pending.json()).data;
		assert.equal(requestRow?.request_type, "Erasure", "the desk has the erasure request");
		await shot(page, "6-erasure-requested");

		step("the manager rejects it on the request's desk form");
		await context.clearCookies();
		await page.goto(`${BASE}/login`);
		await page.fill("#login_email", "Administrator");
		await page.fill("#login_password", ADMIN_PASSWORD);
		await Promise.all([page.waitForURL((url) => !url.pathname.startsWith("/login")), page.click(".btn-login")]);
		await page.goto(`${BASE}/app/social-privacy-request/${requestRow.name}`);
		const reject = page.getByRole("button", { name: "Reject", exact: true });
		await reject.first().waitFor({ timeout: 60000 });
		await reject.first().click();
		const dialog = page.locator(".modal.show");
		await dialog.locator("textarea[data-fieldname='reason']").fill("Checked with the customer: not wanted");
		await dialog.locator(".btn-primary").click();
		for (let i = 0; i < 30; i++) {
			const row = await api.get(`/api/resource/Social Privacy Request/${requestRow.name}`);
			if ((await row.json()).data.status === "Rejected") break;
			await page.waitForTimeout(500);
		}
		const decided = (await (await api.get(`/api/resource/Social Privacy Request/${requestRow.name}`)).json()).data;
		assert.equal(decided.status, "Rejected", "the request was rejected from the form");
		assert.match(decided.result, /not wanted/);
		await shot(page, "7-desk-rejected");

		assert.deepEqual(errors, [], "no script errors on the page");
		console.log("my-social browser test: OK");
	} finally {
		await api.dispose();
		await browser.close();
	}
}

run(main);
