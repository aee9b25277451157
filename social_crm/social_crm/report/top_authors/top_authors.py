# Copyright (c) 2026, Social CRM Developers and contributors
# For license information, please see license.txt

from decimal import Decimal

import frappe
from frappe import _
from frappe.utils import add_days, cint

from social_crm.display import display_html
from social_crm.insight.report_utils import (
	check_mention_report_permission,
	date_range,
	mention_condition,
	sentiment_count,
)
from social_crm.permissions import can_read_invoices
from social_crm.revenue import billed_revenue

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
# the walk over Social Profile in influence order (see top_candidates)
WALK_BATCH = 500  # profiles whose mentions one query counts
WALK_MAX_PROFILES = 20_000  # profiles probed before the rest is counted by the grouped query
TIE_MAX_PROFILES = 5_000  # a larger tie at the cut is counted by the grouped query for that level
AUTHOR_INDEX = "author_posted_at_sentiment_platform_index"  # Mention's on_doctype_update
# the author's fields of a row, as query_authors selects them
PROFILE_FIELDS = """p.name as profile, p.platform, p.handle, p.display_name, p.followers, p.influence_score,
	p.party_type, p.party, p.party_name, p.customer"""


def execute(filters=None):
	filters = frappe._dict(filters or {})
	check_mention_report_permission()
	from_date, to_date = date_range(filters, default_days=90)
	limit = min(max(cint(filters.get("limit")) or DEFAULT_LIMIT, 1), MAX_LIMIT)
	# billed revenue only for users who may read Sales Invoices, from the invoices they may read
	show_revenue = can_read_invoices()
	if mention_condition():
		# a user restricted to some parties' mentions: the grouped query with their row condition
		authors = query_authors(filters, from_date, to_date)
		revenue = (
			billed_revenue((a.customer for a in authors), user=frappe.session.user) if show_revenue else {}
		)
	else:
		authors, revenue = top_candidates(filters, from_date, to_date, limit, show_revenue)
	data = rank(authors, revenue, show_revenue)[:limit]
	for row in data:
		# remote names reach the report's HTML as they are (Data formatter): escape them here
		row.display_name, row.handle = display_html(row.display_name), display_html(row.handle)
		row.party_name = display_html(row.party_name) if row.party_name else row.party_name
	return columns(show_revenue), data, None, chart(data)


def rank(authors: list[dict], revenue: dict[str, float], show_revenue: bool) -> list[dict]:
	"""The authors with their revenue and negative share, the most valuable voices first:
	billed revenue (for those who may see it; else the order would give it away), then reach,
	then how much they talk, then the profile's name."""
	for author in authors:
		if show_revenue:
			author.billed_revenue = revenue.get(author.customer, 0.0) if author.customer else 0.0
		author.negative_share = (
			round(100.0 * author.negative / author.mentions, 1) if author.mentions else 0.0
		)
	return sorted(
		authors,
		key=lambda a: (-(a.get("billed_revenue") or 0), -(a.influence_score or 0), -a.mentions, a.profile),
	)


def top_candidates(filters, from_date, to_date, limit: int, show_revenue: bool) -> tuple[list, dict]:
	"""A superset of the report's first ``limit`` rows, counted exactly, without reading every
	mention of the range (for users without a row condition on Mention).

	1. Customers with non-zero billed revenue (that the user may read) rank by it: all their
	   profiles are counted (the revenue ones first, the credit-note ones last).
	2. Everyone else ranks by influence, then mentions, then name. The profiles are walked in
	   influence order (index ``(influence_score, name)``) in growing batches (up to
	   ``WALK_BATCH``); each batch's mentions in the range are counted through the
	   ``(author, posted_at, sentiment, platform)`` index of Mention. The walk stops when ``limit`` (less the revenue authors) authors with mentions
	   in the range have been found and the whole influence level of the last needed one has
	   been counted: whoever was not reached has less influence and ranks below them.
	3. Bounded: a tie at that level of more than ``TIE_MAX_PROFILES`` profiles (e.g. every
	   author at influence 0) is counted by the grouped query for that level; after
	   ``WALK_MAX_PROFILES`` probed profiles (few of them posted in the range) the rest is
	   counted by the grouped query for the profiles not walked yet. Both are exact, but read
	   the range's mentions as the unrestricted grouped query does.

	Returns (rows as :func:`query_authors` gives them, revenue per customer).
	"""
	rows: dict[str, dict] = {}
	revenue: dict[str, float] = {}
	held: set[str] = set()  # profiles of customers with non-zero revenue: ranked by it
	if show_revenue:
		revenue, held = revenue_authors(filters, from_date, to_date, rows)
	needed = limit - sum(1 for row in rows.values() if revenue.get(row.customer, 0) > 0)
	if needed <= 0:
		return list(rows.values()), revenue

	found: list[float] = []  # influence of the authors found (not held), in walk order
	after: tuple[Decimal, str] | None = None  # (influence, name) of the last profile walked
	level_only = False  # completing the tie at the cut
	walked = 0
	size = min(WALK_BATCH, needed + 10)  # most walks end in the first batch: keep it small
	while True:
		batch = walk(filters, after, level_only, size)
		if not batch:
			break
		walked += len(batch)
		size = min(WALK_BATCH, 2 * size)
		for row in counted(filters, from_date, to_date, [p for p in batch if p.profile not in held]):
			rows[row.profile] = row
			found.append(row.influence_score or 0)
		last = batch[-1]
		after = (Decimal(last.level), last.profile)  # exact: the column is a decimal
		level = last.influence_score or 0
		if sum(1 for influence in found if influence > level) >= needed:
			break  # everyone not walked has at most this influence: below the needed ones
		if len(found) >= needed and not level_only:
			# the cut falls in this level: count the rest of it, walked or grouped when large
			if remaining_at_level(filters, after) > TIE_MAX_PROFILES:
				merge(rows, query_authors(filters, from_date, to_date, *not_walked(after, level_only=True)))
				break
			level_only = True
		elif walked >= WALK_MAX_PROFILES and not level_only:
			merge(rows, query_authors(filters, from_date, to_date, *not_walked(after)))
			break
	return list(rows.values()), revenue


def revenue_authors(filters, from_date, to_date, rows: dict) -> tuple[dict[str, float], set[str]]:
	"""Step 1 of :func:`top_candidates`: count every profile of a customer with non-zero billed
	revenue into ``rows``; returns (revenue per customer, those profiles)."""
	held: set[str] = set()
	customers = frappe.db.sql_list(
		"""select distinct customer from `tabSocial Profile`
		where customer is not null and customer != ''"""
	)
	revenue = billed_revenue(customers, user=frappe.session.user)
	valued = [customer for customer, amount in revenue.items() if amount]
	if valued:
		values = {"valued": tuple(valued)}
		conditions = ["p.customer in %(valued)s", *profile_conditions(filters, values)]
		valued_profiles = frappe.db.sql(
			f"select {PROFILE_FIELDS} from `tabSocial Profile` p where {' and '.join(conditions)}",
			values,
			as_dict=True,
		)
		held = {profile.profile for profile in valued_profiles}
		for row in counted(filters, from_date, to_date, valued_profiles):
			rows[row.profile] = row
	return revenue, held


def merge(rows: dict, more: list[dict]) -> None:
	for row in more:
		rows.setdefault(row.profile, row)


def profile_conditions(filters, values: dict) -> list[str]:
	"""The filters on the author (`p`: Social Profile); their values go into ``values``."""
	conditions = []
	if filters.get("party_type"):
		conditions.append("p.party_type = %(party_type)s")
		values["party_type"] = filters.party_type
	if filters.get("linked") == "Linked":
		conditions.append("ifnull(p.party, '') != ''")
	elif filters.get("linked") == "Not Linked":
		conditions.append("ifnull(p.party, '') = ''")
	if filters.get("min_influence"):
		conditions.append("p.influence_score >= %(min_influence)s")
		values["min_influence"] = filters.min_influence
	return conditions


def not_walked(after: tuple[Decimal, str], level_only: bool = False) -> tuple[str, dict]:
	"""SQL condition on `p` and its values: the profiles after ``after`` in walk order
	(influence descending, name descending); ``level_only``: only those of its influence."""
	values = {"walk_level": after[0], "walk_name": after[1]}
	same_level = "(p.influence_score = %(walk_level)s and p.name < %(walk_name)s)"
	if level_only:
		return same_level, values
	return f"(p.influence_score < %(walk_level)s or {same_level})", values


def walk(filters, after: tuple[Decimal, str] | None, level_only: bool, size: int) -> list[dict]:
	"""The next ``size`` profiles that pass the author filters, by influence descending."""
	values = {"batch": size}
	conditions = profile_conditions(filters, values)
	if after:
		condition, more = not_walked(after, level_only)
		conditions.append(condition)
		values.update(more)
	where = f"where {' and '.join(conditions)}" if conditions else ""
	return frappe.db.sql(
		f"""select {PROFILE_FIELDS}, cast(p.influence_score as char) as level
		from `tabSocial Profile` p {where}
		order by p.influence_score desc, p.name desc
		limit %(batch)s""",
		values,
		as_dict=True,
	)


def remaining_at_level(filters, after: tuple[Decimal, str]) -> int:
	values = {}
	condition, more = not_walked(after, level_only=True)
	values.update(more)
	conditions = [*profile_conditions(filters, values), condition]
	return frappe.db.sql(
		f"select count(*) from `tabSocial Profile` p where {' and '.join(conditions)}", values
	)[0][0]


def counted(filters, from_date, to_date, profiles: list[dict]) -> list[dict]:
	"""The rows of :func:`query_authors` for these profiles (fields as ``PROFILE_FIELDS``
	gives them; those without mentions in the range are left out): their mentions are
	counted through the covering index ``(author, posted_at, sentiment, platform)``, then
	joined to the profile here (not per mention on the database server)."""
	out = []
	for start in range(0, len(profiles), WALK_BATCH):
		chunk = {profile.profile: profile for profile in profiles[start : start + WALK_BATCH]}
		values = {"from": from_date, "to": add_days(to_date, 1), "authors": tuple(chunk)}
		platform = ""
		if filters.get("platform"):
			platform = "and platform = %(platform)s"
			values["platform"] = filters.platform
		for author, mentions, negative, last_mention in frappe.db.sql(
			f"""select author, count(*), cast({sentiment_count("Negative")} as signed), max(posted_at)
			from `tabMention` force index ({AUTHOR_INDEX})
			where author in %(authors)s and posted_at >= %(from)s and posted_at < %(to)s {platform}
			group by author""",
			values,
		):
			# the database matches names case-insensitively, as the grouped query's join does
			profile = chunk.get(author) or next(
				p for name, p in chunk.items() if name.casefold() == author.casefold()
			)
			row = frappe._dict(profile)
			row.pop("level", None)
			row.update(mentions=mentions, negative=negative, last_mention=last_mention)
			out.append(row)
	return out


def query_authors(filters, from_date, to_date, extra: str = "", extra_values: dict | None = None):
	"""One row per author of mentions in the range (the user's row condition applied);
	``extra``: a further SQL condition (on `tabMention` or the profile `p`)."""
	conditions = [
		"`tabMention`.posted_at >= %(from)s",
		"`tabMention`.posted_at < %(to)s",
		"`tabMention`.author is not null",
	]
	values = {"from": from_date, "to": add_days(to_date, 1), **(extra_values or {})}
	if filters.get("platform"):
		conditions.append("`tabMention`.platform = %(platform)s")
		values["platform"] = filters.platform
	conditions += profile_conditions(filters, values)
	if extra:
		conditions.append(extra)
	return frappe.db.sql(
		f"""
		select {PROFILE_FIELDS},
			count(*) as mentions, cast({sentiment_count("Negative", "`tabMention`.sentiment")} as signed) as negative,
			max(`tabMention`.posted_at) as last_mention
		from `tabMention`
		join `tabSocial Profile` p on p.name = `tabMention`.author
		where {" and ".join(conditions)} {mention_condition()}
		group by p.name
		""",
		values,
		as_dict=True,
	)


def columns(show_revenue: bool = True):
	columns = [
		{
			"fieldname": "profile",
			"label": _("Social Profile"),
			"fieldtype": "Link",
			"options": "Social Profile",
			"width": 120,
		},
		{"fieldname": "display_name", "label": _("Name"), "fieldtype": "Data", "width": 160},
		{"fieldname": "platform", "label": _("Platform"), "fieldtype": "Data", "width": 100},
		{"fieldname": "handle", "label": _("Handle"), "fieldtype": "Data", "width": 180},
		{"fieldname": "followers", "label": _("Followers"), "fieldtype": "Int", "width": 100},
		{
			"fieldname": "influence_score",
			"label": _("Influence"),
			"fieldtype": "Float",
			"precision": 1,
			"width": 90,
		},
		{"fieldname": "mentions", "label": _("Mentions"), "fieldtype": "Int", "width": 90},
		{"fieldname": "negative_share", "label": _("Negative Share %"), "fieldtype": "Percent", "width": 120},
		{
			"fieldname": "party_type",
			"label": _("Party Type"),
			"fieldtype": "Link",
			"options": "DocType",
			"width": 100,
		},
		{
			"fieldname": "party",
			"label": _("Party"),
			"fieldtype": "Dynamic Link",
			"options": "party_type",
			"width": 160,
		},
		{
			"fieldname": "billed_revenue",
			"label": _("Billed (12 Months)"),
			"fieldtype": "Currency",
			"width": 140,
		},
		{"fieldname": "last_mention", "label": _("Last Mention"), "fieldtype": "Datetime", "width": 160},
	]
	return columns if show_revenue else [c for c in columns if c["fieldname"] != "billed_revenue"]


def chart(data):
	top = data[:10]
	return {
		"data": {
			"labels": [row.display_name or row.handle for row in top],
			"datasets": [{"name": _("Mentions"), "values": [row.mentions for row in top]}],
		},
		"type": "bar",
	}
