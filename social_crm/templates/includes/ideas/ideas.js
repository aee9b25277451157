// Ideas portal: submit with similar-idea suggestions, vote and undo.
// All user text is put into the page with textContent, never as HTML.
(function () {
	const app = document.getElementById("ideas-app");
	if (!app) return;
	const i18n = JSON.parse(app.dataset.i18n || "{}");
	const DEBOUNCE_MS = 400;

	const portal = window.socialCrmPortal; // templates/includes/portal_api.js
	const call = (method, args, httpMethod) => portal.call(method, args, i18n, httpMethod);

	function show(el, text, kind) {
		if (!el) return;
		el.textContent = text || "";
		el.classList.remove("ok", "error");
		if (kind) el.classList.add(kind);
	}

	// voting
	function updateBox(box, state) {
		box.querySelector(".idea-vote-number").textContent = state.vote_count;
		const button = box.querySelector(".idea-vote-button");
		if (!button) return;
		button.dataset.voted = state.voted ? "1" : "0";
		button.textContent = state.voted ? i18n.voted : i18n.vote;
		button.classList.toggle("btn-primary", !state.voted);
		button.classList.toggle("btn-default", !!state.voted);
	}

	function bindVoteBox(box) {
		const button = box.querySelector(".idea-vote-button");
		if (!button || button.disabled || button.dataset.bound) return;
		button.dataset.bound = "1";
		button.addEventListener("click", async () => {
			const message = box.querySelector(".idea-vote-message");
			const undo = button.dataset.voted === "1";
			button.disabled = true;
			try {
				const state = await call(undo ? "social_crm.api.ideas.undo_vote" : "social_crm.api.ideas.vote", {
					idea: box.dataset.idea,
				});
				updateBox(box, state);
				show(message, undo ? i18n.unvoted_ok : i18n.voted_ok, "ok");
			} catch (e) {
				show(message, e.message, "error");
			} finally {
				button.disabled = false;
			}
		});
	}
	document.querySelectorAll(".idea-vote").forEach(bindVoteBox);
	if (new URLSearchParams(window.location.search).get("submitted") === "1") {
		show(document.getElementById("ideas-message"), i18n.submitted, "ok");
	}

	// character counters
	document.querySelectorAll(".char-count").forEach((counter) => {
		const input = document.getElementById(counter.dataset.for);
		const update = () => (counter.textContent = `${input.value.length} / ${counter.dataset.max}`);
		input.addEventListener("input", update);
		update();
	});

	// submitting, with similar ideas while typing and on submit
	const form = document.getElementById("idea-form");
	if (!form) return;
	const title = form.querySelector("#idea-title");
	const description = form.querySelector("#idea-description");
	const item = form.querySelector("#idea-item");
	const similarBox = form.querySelector("#idea-similar");
	const anyway = form.querySelector("#idea-submit-anyway");
	const formMessage = form.querySelector("#idea-form-message");
	let timer = null;
	let lastQuery = "";

	function renderSimilar(rows) {
		const list = similarBox.querySelector("ul");
		list.replaceChildren();
		if (!rows || !rows.length) {
			similarBox.hidden = true;
			return;
		}
		similarBox.querySelector(".ideas-similar-title").textContent = i18n.similar_title;
		rows.forEach((row) => {
			const li = document.createElement("li");
			li.className = "idea-similar";
			li.dataset.idea = row.name;
			const link = document.createElement("a");
			link.className = "idea-similar-title";
			link.href = "/ideas/" + encodeURIComponent(row.name);
			link.textContent = row.title;
			link.title = row.reason || "";
			const box = document.createElement("div");
			box.className = "idea-vote idea-vote-inline";
			box.dataset.idea = row.name;
			box.innerHTML =
				'<span class="idea-vote-number"></span> <span class="idea-vote-label text-muted"></span>' +
				'<button type="button" class="btn btn-sm btn-primary idea-vote-button" data-voted="0"></button>' +
				'<div class="idea-vote-message small" role="alert"></div>';
			box.querySelector(".idea-vote-number").textContent = row.vote_count || 0;
			box.querySelector(".idea-vote-label").textContent = i18n.votes;
			box.querySelector(".idea-vote-button").textContent = i18n.vote;
			li.append(link, box);
			list.append(li);
			bindVoteBox(box);
		});
		similarBox.hidden = false;
	}

	async function lookForSimilar() {
		const query = title.value.trim() + "\n" + description.value.trim();
		if (query === lastQuery) return;
		lastQuery = query;
		if (title.value.trim().length < 4) return renderSimilar([]);
		try {
			renderSimilar(
				await call(
					"social_crm.api.ideas.similar_ideas",
					{ title: title.value, description: description.value },
					"GET"
				)
			);
		} catch (e) {
			/* suggestions are a help, not a requirement */
		}
	}

	[title, description].forEach((input) =>
		input.addEventListener("input", () => {
			clearTimeout(timer);
			timer = setTimeout(lookForSimilar, DEBOUNCE_MS);
		})
	);

	async function submit(confirmNew) {
		show(formMessage, "");
		const buttons = form.querySelectorAll("button");
		buttons.forEach((b) => (b.disabled = true));
		try {
			const result = await call("social_crm.api.ideas.submit_idea", {
				title: title.value,
				description: description.value,
				item: item ? item.value : "",
				confirm_new: confirmNew ? 1 : 0,
			});
			if (!result.created) {
				renderSimilar(result.similar);
				anyway.hidden = false;
				show(formMessage, i18n.similar_title, "error");
				return;
			}
			show(formMessage, i18n.submitted, "ok");
			window.location.href = result.route + "?submitted=1";
		} catch (e) {
			show(formMessage, e.message, "error");
		} finally {
			buttons.forEach((b) => (b.disabled = false));
		}
	}

	form.addEventListener("submit", (event) => {
		event.preventDefault();
		submit(false);
	});
	anyway.addEventListener("click", () => submit(true));
})();
