// Ideas portal "as a person would": log in as a customer's portal user, submit an idea,
// see the similar-idea suggestion, vote, see the count change, and get a second vote refused.
//
// Run through ./ideas.run.sh SITE PORT (seeds data and serves the site). Screenshots: artifacts/ideas-*.png
"use strict";

const assert = require("node:assert/strict");
const { launch, login, run, screenshots, served, step } = require("./lib");

const { SITE, BASE } = served("ideas.localhost", "8015");
const USER = process.env.IDEAS_USER || "ideas.portal@example.com";
const PASSWORD = process.env.IDEAS_PASSWORD || "Ideas-Portal-2026!";
const SEED_TITLE = "Oat milk version of the vanilla ice cream";
const NEW_TITLE = "Vanilla ice cream made with oat milk and less sugar";
const shot = screenshots("ideas");

async function voteCount(box) {
	return Number((await box.locator(".idea-vote-number").innerText()).trim());
}

async function main() {
	const browser = await launch("ideas", SITE);
	const { context, page } = browser;
	const errors = [];
	try {
		page.on("pageerror", (error) => errors.push(String(error)));

		step("log in as a customer's portal user");
		await login(page, BASE, USER, PASSWORD);

		step("open the ideas portal");
		await page.goto(`${BASE}/ideas`);
		await page.waitForSelector("#idea-form");
		const seedCard = page.locator("article.idea-card", { hasText: SEED_TITLE });
		await seedCard.waitFor();
		await shot(page, "1-portal");

		step("type an idea: a similar existing idea is suggested while typing");
		await page.locator("#idea-title").pressSequentially(NEW_TITLE, { delay: 15 });
		const suggestion = page.locator("#idea-similar li", { hasText: SEED_TITLE });
		await suggestion.waitFor({ timeout: 10000 });
		assert.ok(await page.locator("#idea-similar").isVisible(), "similar ideas box is shown");
		await page.fill("#idea-description", "Like the oat milk idea, but with half the sugar for kids.");
		await shot(page, "2-similar-suggested");

		step("submit: the similar idea is shown again, then submit anyway");
		await page.click("#idea-submit");
		await page.locator("#idea-submit-anyway").waitFor({ state: "visible" });
		await Promise.all([page.waitForURL(/\/ideas\/IDEA-/), page.click("#idea-submit-anyway")]);
		assert.equal((await page.locator("h1.idea-title").innerText()).trim(), NEW_TITLE);
		assert.match(await page.locator("#ideas-message").innerText(), /submitted/i);
		const newIdea = new URL(page.url()).pathname.split("/").pop();
		step(`submitted as ${newIdea}`);
		await shot(page, "3-submitted");

		step("vote for the existing idea and see the count change");
		await page.goto(`${BASE}/ideas`);
		const box = page.locator("article.idea-card", { hasText: SEED_TITLE }).locator(".idea-vote");
		const before = await voteCount(box);
		// a second tab still shows the Vote button, as a stale page would
		const stale = await context.newPage();
		stale.on("pageerror", (error) => errors.push(String(error)));
		await stale.goto(`${BASE}/ideas`);
		await page.bringToFront();
		await box.locator(".idea-vote-button").click();
		await box.locator(".idea-vote-message.ok").waitFor();
		assert.equal(await voteCount(box), before + 1, "the vote is counted");
		assert.equal(await box.locator(".idea-vote-button").getAttribute("data-voted"), "1");
		await shot(page, "4-voted");

		step("a second vote by the same user is refused");
		const staleBox = stale.locator("article.idea-card", { hasText: SEED_TITLE }).locator(".idea-vote");
		assert.equal(await staleBox.locator(".idea-vote-button").getAttribute("data-voted"), "0");
		await staleBox.locator(".idea-vote-button").click();
		const refusal = staleBox.locator(".idea-vote-message.error");
		await refusal.waitFor();
		assert.match(await refusal.innerText(), /already voted/i);
		await shot(stale, "5-second-vote-refused");
		await page.bringToFront();
		await page.reload();
		assert.equal(await voteCount(box), before + 1, "still one vote after the refused second vote");

		step("undo the vote and vote again");
		await box.locator(".idea-vote-button").click();
		await box.locator(".idea-vote-message.ok").waitFor();
		assert.equal(await voteCount(box), before);
		await box.locator(".idea-vote-button").click();
		await box.locator(".idea-vote-button[data-voted='1']").waitFor();
		assert.equal(await voteCount(box), before + 1);

		step("search finds the submitted idea");
		await page.goto(`${BASE}/ideas?q=${encodeURIComponent("less sugar")}`);
		await page.locator("article.idea-card", { hasText: NEW_TITLE }).waitFor();
		await shot(page, "6-search");

		assert.deepEqual(errors, [], "no script errors on the pages");
		console.log("ideas browser test: OK");
	} finally {
		await browser.close();
	}
}

run(main);
