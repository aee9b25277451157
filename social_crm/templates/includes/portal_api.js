// Portal pages (ideas, /my-social): calls to whitelisted methods, and their errors as plain text.
// Included before a page's own script; exposes window.socialCrmPortal.
window.socialCrmPortal = (function () {
	function plain(html) {
		return new DOMParser().parseFromString(String(html || ""), "text/html").body.textContent || "";
	}

	// the server's message(s) for a failed call, as text; i18n: the page's rate_limited / error texts
	function errorText(data, status, i18n) {
		if (status === 429) return i18n.rate_limited;
		if (data && data._server_messages) {
			try {
				const messages = JSON.parse(data._server_messages).map((m) => plain(JSON.parse(m).message));
				if (messages.length) return messages.join(" ");
			} catch (e) {
				/* fall through */
			}
		}
		if (data && data.exception) {
			const text = String(data.exception).split(": ").slice(1).join(": ");
			if (text) return plain(text);
		}
		return i18n.error;
	}

	// fetch /api/method/<method> with the CSRF token (POST unless httpMethod is "GET")
	function request(method, args, httpMethod) {
		httpMethod = httpMethod || "POST";
		let url = "/api/method/" + method;
		const options = {
			method: httpMethod,
			headers: { Accept: "application/json", "X-Frappe-CSRF-Token": window.frappe?.csrf_token || "" },
			credentials: "same-origin",
		};
		const params = new URLSearchParams();
		Object.entries(args || {}).forEach(([k, v]) => v !== undefined && v !== null && params.append(k, v));
		if (httpMethod === "GET") url += "?" + params.toString();
		else options.body = params;
		return fetch(url, options);
	}

	async function readJson(response) {
		try {
			return await response.json();
		} catch (e) {
			return {};
		}
	}

	// the method's result, or an Error whose message is the server's text
	async function call(method, args, i18n, httpMethod) {
		const response = await request(method, args, httpMethod);
		const data = await readJson(response);
		if (!response.ok || data.exc_type) throw new Error(errorText(data, response.status, i18n));
		return data.message;
	}

	return { plain, errorText, request, readJson, call };
})();
