// /my-social and its email-link pages: unlink (with a confirmation), consent, download, erasure request.
// All user text is put into the page with textContent, never as HTML.
(function () {
	const app = document.getElementById("my-social-app");
	if (!app) return;
	const i18n = JSON.parse(app.dataset.i18n || "{}");
	const message = document.getElementById("my-social-message");

	const portal = window.socialCrmPortal; // templates/includes/portal_api.js
	const call = (method, args) => portal.call(method, args, i18n);

	function show(text, kind) {
		if (!message) return;
		message.textContent = text || "";
		message.classList.remove("ok", "error");
		if (kind) message.classList.add(kind);
	}

	// an in-page confirmation: a question with "Yes" / "Cancel"; resolves true on "Yes"
	function confirmStep(anchor, question, yesText) {
		document.querySelectorAll(".my-social-confirm").forEach((el) => el.remove());
		return new Promise((resolve) => {
			const box = document.createElement("div");
			box.className = "my-social-confirm";
			box.setAttribute("role", "alertdialog");
			const text = document.createElement("p");
			text.textContent = question;
			const yes = document.createElement("button");
			yes.type = "button";
			yes.className = "btn btn-sm btn-danger my-social-confirm-yes";
			yes.textContent = yesText;
			const no = document.createElement("button");
			no.type = "button";
			no.className = "btn btn-sm btn-default my-social-confirm-no";
			no.textContent = i18n.cancel;
			box.append(text, yes, " ", no);
			anchor.after(box);
			yes.addEventListener("click", () => {
				box.remove();
				resolve(true);
			});
			no.addEventListener("click", () => {
				box.remove();
				resolve(false);
			});
			yes.focus();
		});
	}

	app.querySelectorAll(".my-social-unlink").forEach((button) => {
		button.addEventListener("click", async () => {
			const item = button.closest(".my-social-profile");
			const question = i18n.confirm_unlink.replace("{0}", "@" + item.dataset.handle);
			if (!(await confirmStep(button, question, i18n.yes_unlink))) return;
			button.disabled = true;
			try {
				await call("social_crm.api.my_social.unlink_profile", { profile: item.dataset.profile, confirm: 1 });
				item.remove();
				show(i18n.unlinked, "ok");
			} catch (e) {
				button.disabled = false;
				show(e.message, "error");
			}
		});
	});

	app.querySelectorAll(".my-social-consent-btn").forEach((button) => {
		button.addEventListener("click", async () => {
			const row = button.closest(".my-social-purpose");
			const granted = button.dataset.granted === "1";
			button.disabled = true;
			try {
				await call("social_crm.api.my_social.set_consent", { purpose: row.dataset.purpose, granted: granted ? 1 : 0 });
				row.querySelector(".my-social-state").textContent = granted ? i18n.allowed_by_you : i18n.withdrawn_by_you;
				button.dataset.granted = granted ? "0" : "1";
				button.textContent = granted ? i18n.withdraw : i18n.allow;
				show(granted ? i18n.granted : i18n.withdrawn, "ok");
			} catch (e) {
				show(e.message, "error");
			}
			button.disabled = false;
		});
	});

	const download = document.getElementById("my-social-download");
	if (download) {
		download.addEventListener("click", async () => {
			download.disabled = true;
			try {
				const response = await portal.request("social_crm.api.my_social.download_my_data", {});
				if (!response.ok) {
					throw new Error(portal.errorText(await portal.readJson(response), response.status, i18n));
				}
				const blob = await response.blob();
				const link = document.createElement("a");
				link.href = URL.createObjectURL(blob);
				link.download = "my-social-data.json";
				document.body.append(link);
				link.click();
				link.remove();
				show(i18n.downloaded, "ok");
			} catch (e) {
				show(e.message, "error");
			}
			download.disabled = false;
		});
	}

	const erase = document.getElementById("my-social-erase");
	if (erase) {
		erase.addEventListener("click", async () => {
			if (!(await confirmStep(erase, i18n.confirm_erase, i18n.yes_erase))) return;
			erase.disabled = true;
			try {
				await call("social_crm.api.my_social.request_erasure", { confirm: 1 });
				erase.remove();
				show(i18n.erasure_requested, "ok");
			} catch (e) {
				erase.disabled = false;
				show(e.message, "error");
			}
		});
	}

	// /my-social/request: ask for a link by email
	const requestForm = document.getElementById("my-social-request-form");
	if (requestForm) {
		requestForm.addEventListener("submit", async (event) => {
			event.preventDefault();
			const data = new FormData(requestForm);
			try {
				const result = await call("social_crm.api.my_social.request_by_email", {
					email: data.get("email"),
					request_type: data.get("request_type"),
				});
				requestForm.hidden = true;
				show(result.message, "ok");
			} catch (e) {
				show(e.message, "error");
			}
		});
	}

	// /my-social/confirm: confirm the emailed link with a POST
	const confirmButton = document.getElementById("my-social-confirm-request");
	if (confirmButton) {
		confirmButton.addEventListener("click", async () => {
			confirmButton.disabled = true;
			try {
				const result = await call("social_crm.api.my_social.confirm_request", { query: confirmButton.dataset.query });
				confirmButton.remove();
				show(result.message, "ok");
			} catch (e) {
				confirmButton.disabled = false;
				show(e.message, "error");
			}
		});
	}
})();
