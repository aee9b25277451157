"""Ideas platform: portal endpoints as website users, workflow, merge, notifications, ranking, history."""

from contextlib import contextmanager

import frappe
from frappe.utils import add_days, today

from social_crm.api import ideas as api
from social_crm.ideas import portal, similar, timeline, voting, workflow
from social_crm.tests import SocialCRMTestCase
from social_crm.tests.utils import leaf, make_contact, make_customer, make_mention, make_profile, make_user

test_ignore = ["Customer", "Lead", "Contact", "Item", "Competitor", "Campaign", "User"]

PORTAL_USER = "ideas.test.portal@example.com"
OTHER_USER = "ideas.test.other@example.com"
STRANGER = "ideas.test.stranger@example.com"
STAFF = "ideas.test.staff@example.com"


def make_website_user(email: str, customer: str | None = None) -> str:
	if not frappe.db.exists("User", email):
		frappe.get_doc(
			{
				"doctype": "User",
				"email": email,
				"first_name": email.split("@")[0],
				"user_type": "Website User",
				"send_welcome_email": 0,
			}
		).insert(ignore_permissions=True)
	if customer:
		contact = make_contact(email.split("@")[0], customer=customer, email=email)
		frappe.db.set_value("Contact", contact.name, "user", email)
	return email


def make_idea(title: str, **kwargs) -> "frappe.Document":
	return frappe.get_doc({"doctype": "Idea", "title": title, "is_public": 1, **kwargs}).insert(
		ignore_permissions=True
	)


@contextmanager
def as_user(user: str):
	frappe.set_user(user)
	try:
		yield
	finally:
		frappe.set_user("Administrator")


def set_settings(**values):
	for field, value in values.items():
		frappe.db.set_single_value("Social CRM Settings", field, value)


class TestIdeasPortal(SocialCRMTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		cls.customer = make_customer("_Ideas Test Customer").name
		cls.other_customer = make_customer("_Ideas Test Other Customer").name
		make_website_user(PORTAL_USER, cls.customer)
		make_website_user(OTHER_USER, cls.other_customer)
		make_website_user(STRANGER)  # a website user without a customer
		cls.contact = frappe.db.get_value("Contact", {"user": PORTAL_USER})
		set_settings(allow_guest_idea_view=0, weight_votes_by_customer_value=0)
		cls.item = frappe.get_doc(
			{
				"doctype": "Item",
				"item_code": "_Ideas Test Cone",
				"item_group": leaf("Item Group", "All Item Groups"),
				"stock_uom": frappe.db.get_value("UOM", {}, "name") or "Nos",
				"is_stock_item": 0,
			}
		).insert(ignore_permissions=True)
		cls.seed = make_idea(
			"Oat milk version of the vanilla ice cream",
			description="Please make the vanilla ice cream with oat milk, for people who avoid dairy.",
		)
		similar.invalidate()

	def tearDown(self):
		frappe.set_user("Administrator")

	def test_submit_as_portal_user(self):
		with as_user(PORTAL_USER):
			result = api.submit_idea(
				"Waffle cones <b>without</b> gluten",
				description="<p>For coeliacs</p><script>alert(1)</script>",
				item=self.item.name,
			)
		self.assertTrue(result["created"])
		idea = frappe.get_doc("Idea", result["idea"])
		self.assertEqual(idea.title, "Waffle cones without gluten")
		self.assertEqual(idea.description, "For coeliacs")
		self.assertEqual(
			(idea.website_user, idea.party_type, idea.party), (PORTAL_USER, "Contact", self.contact)
		)
		self.assertEqual(idea.customer, self.customer)
		self.assertEqual((idea.status, idea.is_public, idea.item), ("Open", 1, self.item.name))
		self.assertEqual(result["route"], f"/ideas/{idea.name}")

	def test_similar_ideas_suggested_before_creating(self):
		with as_user(PORTAL_USER):
			typed = api.similar_ideas("Vanilla ice cream with oat milk")
			scores = {row["name"]: row["score"] for row in typed}
			self.assertGreaterEqual(scores[self.seed.name], 0.3)
			first = api.submit_idea("Vanilla ice cream made with oat milk")
			self.assertFalse(first["created"])
			self.assertIn(self.seed.name, [row["name"] for row in first["similar"]])
			self.assertFalse(frappe.db.exists("Idea", {"title": "Vanilla ice cream made with oat milk"}))
			confirmed = api.submit_idea("Vanilla ice cream made with oat milk", confirm_new=True)
		self.assertTrue(confirmed["created"])
		# the new idea is in the index right away (cache invalidated on insert)
		with as_user(OTHER_USER):
			names = [row["name"] for row in api.similar_ideas("Oat milk vanilla ice cream")]
		self.assertIn(confirmed["idea"], names)
		# unrelated ideas are not suggested
		with as_user(PORTAL_USER):
			self.assertNotIn(
				self.seed.name, [row["name"] for row in api.similar_ideas("Quantum xylophone tuning service")]
			)

	def test_hidden_and_closed_ideas_are_not_suggested(self):
		hidden = make_idea("Pistachio sorbet in summer", is_public=0)
		closed = make_idea("Pistachio sorbet for summer days", status="Implemented")
		with as_user(PORTAL_USER):
			names = [row["name"] for row in api.similar_ideas("Pistachio sorbet summer")]
		self.assertNotIn(hidden.name, names)
		self.assertNotIn(closed.name, names)

	def test_browse_search_filter_and_pages(self):
		planned = make_idea("Hazelnut brittle topping", status="Planned", item=self.item.name)
		hidden = make_idea("Hazelnut secret recipe", is_public=0)
		mine_hidden = make_idea("Hazelnut spread jars", is_public=0, website_user=PORTAL_USER)
		with as_user(PORTAL_USER):
			found = [i.name for i in api.get_ideas(query="hazelnut")["ideas"]]
			self.assertIn(planned.name, found)
			self.assertIn(mine_hidden.name, found)  # own ideas are visible even when not public
			self.assertNotIn(hidden.name, found)
			by_status = api.get_ideas(query="hazelnut", status="Planned")["ideas"]
			self.assertEqual([i.name for i in by_status], [planned.name])
			by_item = api.get_ideas(item=self.item.name)["ideas"]
			self.assertEqual([i.name for i in by_item], [planned.name])
			self.assertEqual(by_item[0].item_name, self.item.item_name)
			# LIKE wildcards in the search are taken literally
			self.assertEqual(api.get_ideas(query="%")["ideas"], [])
			with self.assertRaises(frappe.DoesNotExistError):
				api.get_idea(hidden.name)
		with as_user(OTHER_USER):
			self.assertNotIn(mine_hidden.name, [i.name for i in api.get_ideas(query="hazelnut")["ideas"]])
		for n in range(3):
			make_idea(f"Paging idea number {n} cinnamon")
		first = portal.list_ideas(query="cinnamon", sort="new", page_length=2)
		second = portal.list_ideas(query="cinnamon", sort="new", page=2, page_length=2)
		self.assertEqual((len(first["ideas"]), first["has_next"]), (2, True))
		self.assertEqual((len(second["ideas"]), second["has_next"], second["has_previous"]), (1, False, True))
		self.assertFalse({i.name for i in first["ideas"]} & {i.name for i in second["ideas"]})

	def test_guest_reads_only_when_allowed(self):
		hidden = make_idea("Guest cannot see this one", is_public=0)
		with as_user("Guest"):
			with self.assertRaises(frappe.PermissionError):
				api.get_ideas()
			with self.assertRaises(frappe.PermissionError):
				api.submit_idea("Guests cannot submit")
			set_settings(allow_guest_idea_view=1)
			try:
				names = [i.name for i in api.get_ideas()["ideas"]]
				self.assertIn(self.seed.name, names)
				self.assertNotIn(hidden.name, names)
				with self.assertRaises(frappe.PermissionError):
					api.vote(self.seed.name)
			finally:
				set_settings(allow_guest_idea_view=0)

	def test_vote_once_and_undo(self):
		idea = make_idea("Salted caramel swirl")
		with as_user(PORTAL_USER):
			state = api.vote(idea.name)
			self.assertEqual((state["vote_count"], state["voted"]), (1, True))
			with self.assertRaises(frappe.DuplicateEntryError) as refused:
				api.vote(idea.name)
			self.assertIn("already voted", str(refused.exception))
			self.assertTrue(api.get_idea(idea.name).voted)
		with as_user(OTHER_USER):
			self.assertEqual(api.vote(idea.name)["vote_count"], 2)
		self.assertEqual(frappe.db.count("Idea Vote", {"idea": idea.name}), 2)
		vote = frappe.get_doc("Idea Vote", {"idea": idea.name, "voter_user": PORTAL_USER})
		self.assertEqual(
			(vote.party_type, vote.party, vote.customer), ("Contact", self.contact, self.customer)
		)
		with as_user(PORTAL_USER):
			state = api.undo_vote(idea.name)
			self.assertEqual((state["vote_count"], state["voted"]), (1, False))
			with self.assertRaises(frappe.ValidationError):
				api.undo_vote(idea.name)
			self.assertEqual(api.vote(idea.name)["vote_count"], 2)  # voting again after undo is fine

	def test_bad_input_gets_clear_errors(self):
		cases = [
			("", "", "Please enter a title"),
			("   ", "", "Please enter a title"),
			("<script>alert(1)</script>", "", "Please enter a title"),
			("Hi", "", "too short"),
			("x" * 141, "", "title is too long"),
			("A fine idea", "y" * 5001, "description is too long"),
			("A fine idea", "y" * 60_000, "far too long"),
			("?!?!?!", "", "letters or digits"),
		]
		with as_user(PORTAL_USER):
			for title, description, message in cases:
				with self.subTest(title=title[:20]):
					with self.assertRaises(frappe.ValidationError) as raised:
						api.submit_idea(title, description=description, confirm_new=True)
					self.assertIn(message, str(raised.exception))
			with self.assertRaises(frappe.LinkValidationError):
				api.submit_idea("An idea for a missing item", item="No Such Item", confirm_new=True)
			result = api.submit_idea(
				"&lt;img src=x onerror=alert(1)&gt; <i>Mango</i> lassi",
				description="<iframe src=x></iframe>ok",
				confirm_new=True,
			)
		title = frappe.db.get_value("Idea", result["idea"], "title")
		self.assertNotIn("<", title)
		self.assertIn("Mango lassi", title)
		self.assertEqual(frappe.db.get_value("Idea", result["idea"], "description"), "ok")

	def test_voting_on_closed_idea_is_refused(self):
		for status in ("Implemented", "Declined", "Duplicate"):
			extra = {"status_reason": "Because"} if status != "Implemented" else {}
			if status == "Duplicate":
				extra["duplicate_of"] = self.seed.name
			idea = make_idea(f"Closed idea {status}", status=status, **extra)
			with as_user(PORTAL_USER), self.subTest(status=status):
				with self.assertRaises(frappe.ValidationError) as refused:
					api.vote(idea.name)
				self.assertIn("Voting is closed", str(refused.exception))
		self.assertFalse(frappe.db.exists("Idea Vote", {"voter_user": PORTAL_USER, "idea": idea.name}))

	def test_only_customers_participate(self):
		with as_user(STRANGER):
			self.assertTrue(api.get_ideas()["ideas"])  # reading is fine
			with self.assertRaises(frappe.PermissionError) as refused:
				api.submit_idea("A stranger's idea", confirm_new=True)
			self.assertIn("not linked to a customer", str(refused.exception))
			with self.assertRaises(frappe.PermissionError):
				api.vote(self.seed.name)
		# the portal endpoints are the only way in: no DocPerm for website users
		with as_user(PORTAL_USER):
			self.assertFalse(frappe.has_permission("Idea", "create"))
			self.assertFalse(frappe.has_permission("Idea Vote", "create"))

	def test_rate_limit_on_vote(self):
		cache_key = frappe.cache.make_key("rl:social_crm.api.ideas.vote:10.9.8.7")
		frappe.cache.delete(cache_key)
		frappe.local.request = frappe._dict(method="POST")
		frappe.local.request_ip = "10.9.8.7"
		try:
			with as_user(PORTAL_USER):
				frappe.local.form_dict = frappe._dict(cmd="social_crm.api.ideas.vote")
				for _ in range(api.VOTE_LIMIT):
					with self.assertRaises(frappe.DoesNotExistError):
						api.vote("IDEA-NO-SUCH")
				with self.assertRaises(frappe.RateLimitExceededError):
					api.vote("IDEA-NO-SUCH")
		finally:
			frappe.local.request = None
			frappe.local.request_ip = None
			frappe.local.form_dict = frappe._dict()
			frappe.cache.delete(cache_key)

	def test_pages_render_escaped_and_guest_redirect(self):
		from frappe.utils import set_request
		from frappe.website.serve import get_response

		def render(path):
			set_request(method="GET", path=path)
			try:
				return get_response()
			finally:
				frappe.local.request = None

		evil = make_idea("Lemon tart with a twist", description="<b>bold</b> & more")
		# stored text is plain, but plain text may still look like markup: pages must escape it
		frappe.db.set_value("Idea", evil.name, "title", "<script>alert('x')</script> Lemon tart")
		with as_user(PORTAL_USER):
			listing = render("/ideas")
			detail = render(f"/ideas/{evil.name}")
			missing = render("/ideas/IDEA-NO-SUCH")
		for response in (listing, detail):
			html = response.get_data(as_text=True)
			self.assertEqual(response.status_code, 200)
			self.assertNotIn("<script>alert('x')", html)
			self.assertIn("&lt;script&gt;alert(", html)
		self.assertIn('id="idea-form"', listing.get_data(as_text=True))
		self.assertEqual(missing.status_code, 404)
		with as_user("Guest"):
			redirect = render("/ideas")
			self.assertEqual(redirect.status_code, 301)
			self.assertIn("/login", redirect.headers["Location"])
			set_settings(allow_guest_idea_view=1)
			try:
				page = render("/ideas")
				self.assertEqual(page.status_code, 200)
				self.assertNotIn('id="idea-form"', page.get_data(as_text=True))
			finally:
				set_settings(allow_guest_idea_view=0)


class TestIdeasDesk(SocialCRMTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		cls.customer = make_customer("_Ideas Desk Customer").name
		cls.other_customer = make_customer("_Ideas Desk Other Customer").name
		make_website_user(PORTAL_USER, cls.customer)
		make_website_user(OTHER_USER, cls.other_customer)
		make_user(STAFF, ["Social CRM Manager"])
		set_settings(weight_votes_by_customer_value=0)
		if not frappe.db.exists("Email Account", {"default_outgoing": 1, "enable_outgoing": 1}):
			# an outgoing account so that emails are queued (Frappe skips its SMTP check in tests)
			frappe.get_doc(
				{
					"doctype": "Email Account",
					"email_account_name": "_Ideas Test Outgoing",
					"email_id": "ideas-test-outgoing@example.com",
					"domain": "example.com",
					"smtp_server": "smtp.example.com",
					"password": "not-used",
					"enable_outgoing": 1,
					"default_outgoing": 1,
				}
			).insert(ignore_permissions=True)

	def setUp(self):
		# queue emails without an SMTP account (Frappe's own switch); nothing is sent
		self._muted = frappe.flags.mute_emails
		frappe.flags.mute_emails = True

	def tearDown(self):
		frappe.flags.mute_emails = self._muted
		frappe.set_user("Administrator")

	def vote_as(self, user, idea):
		with as_user(user):
			return api.vote(idea)

	def test_workflow_steps(self):
		idea = make_idea("Workflow idea for sprinkles")
		self.assertEqual(workflow.next_statuses("Open"), ["Under Review", "Declined", "Duplicate"])
		for status in ("Under Review", "Planned", "In Progress", "Implemented"):
			api.set_status(idea.name, status)
			self.assertEqual(frappe.db.get_value("Idea", idea.name, "status"), status)
		self.assertEqual(workflow.next_statuses("Implemented"), ["Open"])
		other = make_idea("Workflow idea skipping steps")
		with self.assertRaises(frappe.ValidationError):
			api.set_status(other.name, "Implemented")
		with self.assertRaises(frappe.ValidationError):
			api.set_status(other.name, "Declined")
		api.set_status(other.name, "Declined", reason="Not something we make")
		self.assertEqual(frappe.db.get_value("Idea", other.name, "status_reason"), "Not something we make")
		with as_user(PORTAL_USER), self.assertRaises(frappe.PermissionError):
			api.set_status(other.name, "Open")

	def test_merge_moves_votes_and_counts_voters_once(self):
		target = make_idea("Merge target: strawberry sorbet")
		duplicate = make_idea("Merge duplicate: sorbet with strawberries")
		self.vote_as(PORTAL_USER, target.name)
		self.vote_as(PORTAL_USER, duplicate.name)  # voted for both: must count once
		self.vote_as(OTHER_USER, duplicate.name)
		frappe.get_doc(
			{"doctype": "Idea Vote", "idea": duplicate.name, "party_type": "Customer", "party": self.customer}
		).insert(ignore_permissions=True)
		result = api.merge_idea(duplicate.name, target.name, reason="Same request")
		self.assertEqual((result["moved"], result["skipped"]), (2, 1))
		target.reload()
		duplicate.reload()
		self.assertEqual(target.vote_count, 3)
		self.assertEqual(duplicate.vote_count, 0)
		self.assertEqual((duplicate.status, duplicate.duplicate_of), ("Duplicate", target.name))
		self.assertEqual(duplicate.status_reason, "Same request")
		voters = frappe.get_all("Idea Vote", filters={"idea": target.name}, pluck="voter")
		self.assertEqual(len(voters), len(set(voters)))
		self.assertEqual(
			sorted(voters), sorted([f"user:{PORTAL_USER}", f"user:{OTHER_USER}", f"Customer:{self.customer}"])
		)
		with self.assertRaises(frappe.ValidationError):
			api.merge_idea(duplicate.name, target.name)  # already merged
		closed = make_idea("Merge into closed", status="Implemented")
		another = make_idea("Merge source for closed target")
		with self.assertRaises(frappe.ValidationError):
			api.merge_idea(another.name, closed.name)

	def test_status_change_notifies_submitter_and_voters_not_the_changer(self):
		idea = make_idea("Notify idea: mint chocolate chip", website_user=PORTAL_USER)
		self.vote_as(OTHER_USER, idea.name)
		frappe.get_doc({"doctype": "Idea Vote", "idea": idea.name, "voter_user": STAFF}).insert(
			ignore_permissions=True
		)
		frappe.get_doc({"doctype": "Idea Vote", "idea": idea.name, "voter_user": "Administrator"}).insert(
			ignore_permissions=True
		)
		frappe.db.delete("Email Queue", {"reference_doctype": "Idea", "reference_name": idea.name})
		api.set_status(idea.name, "Under Review")  # as Administrator

		queued = frappe.get_all(
			"Email Queue",
			filters={"reference_doctype": "Idea", "reference_name": idea.name},
			pluck="name",
		)
		recipients = set(
			frappe.get_all("Email Queue Recipient", filters={"parent": ("in", queued)}, pluck="recipient")
		)
		self.assertEqual(recipients, {PORTAL_USER, OTHER_USER, STAFF})
		subjects = frappe.get_all("Email Queue", filters={"name": ("in", queued)}, pluck="message")
		self.assertTrue(all("Under Review" in message for message in subjects))
		logs = frappe.get_all(
			"Notification Log",
			filters={"document_type": "Idea", "document_name": idea.name},
			pluck="for_user",
		)
		self.assertEqual(logs, [STAFF])  # desk users get the bell too; portal users get email only

		# the staff member who changes the status is not told about their own change
		frappe.db.delete("Email Queue", {"reference_doctype": "Idea", "reference_name": idea.name})
		with as_user(STAFF):
			api.set_status(idea.name, "Planned")
		queued = frappe.get_all(
			"Email Queue", filters={"reference_doctype": "Idea", "reference_name": idea.name}, pluck="name"
		)
		recipients = set(
			frappe.get_all("Email Queue Recipient", filters={"parent": ("in", queued)}, pluck="recipient")
		)
		self.assertEqual(
			recipients,
			{PORTAL_USER, OTHER_USER, "Administrator"} - {"Administrator"} | recipients & {"Administrator"},
		)
		self.assertNotIn(STAFF, recipients)
		self.assertIn(PORTAL_USER, recipients)

	def test_no_notification_without_status_change(self):
		idea = make_idea("Quiet idea: lemon curd", website_user=PORTAL_USER)
		idea.reload()
		idea.description = "Edited text only"
		idea.save()
		self.assertFalse(
			frappe.db.exists("Email Queue", {"reference_doctype": "Idea", "reference_name": idea.name})
		)

	def test_weighted_ranking_by_customer_revenue(self):
		company = frappe.defaults.get_global_default("company") or frappe.get_all("Company", pluck="name")[0]
		item = frappe.get_doc(
			{
				"doctype": "Item",
				"item_code": "_Ideas Revenue Item",
				"item_group": leaf("Item Group", "All Item Groups"),
				"stock_uom": frappe.db.get_value("UOM", {}, "name") or "Nos",
				"is_stock_item": 0,
			}
		).insert(ignore_permissions=True)
		invoice = frappe.get_doc(
			{
				"doctype": "Sales Invoice",
				"customer": self.customer,
				"company": company,
				"set_posting_time": 1,
				"posting_date": add_days(today(), -30),
				"due_date": add_days(today(), -30),
				"items": [{"item_code": item.name, "qty": 1, "rate": 99_000}],
			}
		)
		invoice.insert(ignore_permissions=True)
		invoice.submit()
		self.assertAlmostEqual(voting.billed_revenue(self.customer), invoice.base_net_total)
		self.assertEqual(voting.billed_revenue(self.other_customer), 0)

		big = make_idea("Ranking: the big customer's idea")
		crowd = make_idea("Ranking: the crowd's idea")
		set_settings(weight_votes_by_customer_value=1)
		try:
			self.vote_as(PORTAL_USER, big.name)  # customer billed ~99,000 in the last 12 months
			self.vote_as(OTHER_USER, crowd.name)
			frappe.get_doc(
				{
					"doctype": "Idea Vote",
					"idea": crowd.name,
					"party_type": "Customer",
					"party": self.other_customer,
				}
			).insert(ignore_permissions=True)
			weight = frappe.db.get_value("Idea Vote", {"idea": big.name, "voter_user": PORTAL_USER}, "weight")
			self.assertGreater(weight, 2.5)
			self.assertLessEqual(weight, 3)
			self.assertEqual(
				frappe.db.get_value("Idea Vote", {"voter_user": OTHER_USER, "idea": crowd.name}, "weight"), 1
			)
			big.reload()
			crowd.reload()
			self.assertEqual((big.vote_count, crowd.vote_count), (1, 2))
			self.assertAlmostEqual(big.weighted_votes, weight, places=2)
			self.assertEqual(crowd.weighted_votes, 2)
			ranked = [i.name for i in portal.list_ideas(query="Ranking:")["ideas"]]
			self.assertEqual(ranked, [big.name, crowd.name])  # weighted: revenue counts
		finally:
			set_settings(weight_votes_by_customer_value=0)
		ranked = [i.name for i in portal.list_ideas(query="Ranking:")["ideas"]]
		self.assertEqual(ranked, [crowd.name, big.name])  # plain votes: the crowd wins
		# with weighting off, the daily refresh sets every weight back to 1
		self.assertGreaterEqual(voting.refresh_vote_weights(), 1)
		self.assertEqual(frappe.db.get_value("Idea", big.name, "weighted_votes"), 1)

	def test_create_idea_from_mention(self):
		profile = make_profile("ideas-mention-author", party_type="Customer", party=self.customer)
		mention = make_mention(
			"ideas-mention-1", author=profile.name, text="Would love a <b>vegan</b> chocolate ice cream!"
		)
		name = api.create_idea_from_mention(mention.name)
		idea = frappe.get_doc("Idea", name)
		self.assertEqual(idea.source_mention, mention.name)
		self.assertEqual(idea.submitted_by_profile, profile.name)
		self.assertEqual(
			(idea.party_type, idea.party, idea.customer), ("Customer", self.customer, self.customer)
		)
		self.assertIn("vegan chocolate ice cream", idea.title)
		self.assertEqual(idea.is_public, 0)
		with self.assertRaises(frappe.DuplicateEntryError):
			api.create_idea_from_mention(mention.name)

	def test_ideas_and_votes_in_social_history(self):
		idea = make_idea("History: cookie dough chunks", website_user=PORTAL_USER)
		idea.db_set({"party_type": "Contact", "party": frappe.db.get_value("Contact", {"user": PORTAL_USER})})
		idea.reload()
		idea.save()  # recomputes customer from the Contact
		self.assertEqual(idea.customer, self.customer)
		voted = make_idea("History: a voted idea")
		self.vote_as(PORTAL_USER, voted.name)
		entries = timeline.get_idea_timeline("Customer", self.customer)
		contents = " ".join(entry["content"] for entry in entries)
		self.assertIn("History: cookie dough chunks", contents)
		self.assertIn("History: a voted idea", contents)
		self.assertIn("Voted for an idea", contents)
		contact = frappe.db.get_value("Contact", {"user": PORTAL_USER})
		contact_contents = " ".join(e["content"] for e in timeline.get_idea_timeline("Contact", contact))
		self.assertIn("History: a voted idea", contact_contents)
		self.assertEqual(timeline.get_idea_timeline("Customer", self.other_customer), [])
		# the Customer's one timeline hook shows them next to the mentions
		hooks = frappe.get_hooks("additional_timeline_content")
		self.assertEqual(hooks["Customer"], ["social_crm.overrides.customer.get_timeline"])
		via_hook = " ".join(
			e["content"] for e in frappe.get_attr(hooks["Customer"][0])("Customer", self.customer)
		)
		self.assertIn("History: cookie dough chunks", via_hook)
		self.assertIn("Voted for an idea", via_hook)
		# and the Social connections group counts the Customer's ideas
		from frappe.desk.notifications import get_open_count

		counts = get_open_count("Customer", self.customer)["count"]["external_links_found"]
		idea_count = next(row["count"] for row in counts if row["doctype"] == "Idea")
		self.assertEqual(idea_count, frappe.db.count("Idea", {"customer": self.customer}))
		self.assertGreaterEqual(idea_count, 1)
