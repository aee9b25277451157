# Copyright (c) 2026, Social CRM Developers and contributors
# For license information, please see license.txt

from decimal import Decimal

import frappe
from frappe import _
from frappe.utils import add_days, cint

from social_crm.display import display_html
from social_crm.engine.insight.top_authors import (
	EMPTY,
	GROUPED,
	PROFILES,
	PROFILES_COUNTED,
	mentions_to_count,
	plan,
)
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
# the walk over Social Profile in influence order (see walk_candidates)
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
		authors, revenue = grouped(filters, from_date, to_date, show_revenue)
	else:
		authors, revenue = unrestricted_authors(filters, from_date, to_date, limit, show_revenue)
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


def grouped(filters, from_date, to_date, show_revenue: bool) -> tuple[list, dict]:
	"""Every author of the range (the grouped query) and the billed revenue of their customers."""
	authors = query_authors(filters, from_date, to_date)
	revenue = billed_revenue((a.customer for a in authors), user=frappe.session.user) if show_revenue else {}
	return authors, revenue


def unrestricted_authors(filters, from_date, to_date, limit: int, show_revenue: bool) -> tuple[list, dict]:
	"""A superset of the report's first ``limit`` rows, counted exactly, for a user without a
	row condition on Mention, the way :func:`choose` finds cheapest.

	1. Customers with non-zero billed revenue (that the user may read) rank by it: all their
	   profiles are counted (the revenue ones first, the credit-note ones last).
	2. Everyone else ranks by influence, then mentions, then name: the first ``needed`` of
	   them (``limit`` less the revenue authors) come from the top of the grouped query
	   (:func:`top_grouped`, few mentions in the range), from every profile that passes the
	   author filters (few of those: :func:`counted`) or from the walk (:func:`walk_candidates`).
	   Nobody at all when the range has no mention or no profile passes the author filters.

	Returns (rows as :func:`query_authors` gives them, revenue per customer).
	"""
	chosen = choose(filters, from_date, to_date, limit)
	if chosen == EMPTY:
		return [], {}
	rows: dict[str, dict] = {}
	revenue: dict[str, float] = {}
	held: set[str] = set()  # profiles of customers with non-zero revenue: ranked by it
	if show_revenue:
		revenue, held = revenue_authors(filters, from_date, to_date, rows)
	needed = limit - sum(1 for row in rows.values() if revenue.get(row.customer, 0) > 0)
	if needed > 0:
		add_candidates(chosen, filters, from_date, to_date, needed, held, rows)
	return list(rows.values()), revenue


def add_candidates(chosen: str, filters, from_date, to_date, needed: int, held: set[str], rows: dict) -> None:
	"""Step 2 of :func:`unrestricted_authors`: count into ``rows`` a superset of the first
	``needed`` authors that are not ``held``, the ``chosen`` way."""
	if chosen == GROUPED:
		# the first ``needed`` of the others are among the first ``needed`` + held of all
		merge(rows, top_grouped(filters, from_date, to_date, needed + len(held)))
	elif chosen == PROFILES:
		names = [name for name in matching_profiles(filters) if name not in held]
		merge(rows, counted(filters, from_date, to_date, names))
	else:
		walk_candidates(filters, from_date, to_date, needed, held, rows)


def choose(filters, from_date, to_date, limit: int) -> str:
	"""The engine's choice (:func:`social_crm.engine.insight.top_authors.plan`) from three
	cheap counts: the profiles that pass the author filters (at most ``PROFILES_COUNTED`` + 1;
	only with such filters), the table's estimated number of profiles and the range's
	mentions (an index range of at most ``mentions_to_count`` + 1 entries)."""
	matching = None
	values = {}
	conditions = profile_conditions(filters, values)
	if conditions:
		values["cap"] = PROFILES_COUNTED + 1
		matching = frappe.db.sql(
			f"""select count(*) from (select 1 from `tabSocial Profile` p
			where {" and ".join(conditions)} limit %(cap)s) t""",
			values,
		)[0][0]
	profiles = profile_estimate()
	mentions = range_mentions(filters, from_date, to_date, mentions_to_count(limit, profiles, matching) + 1)
	return plan(limit, mentions, profiles, matching)


def mention_range(filters, from_date, to_date, values: dict, table: str = "") -> str:
	"""SQL conditions on Mention (``table``: its alias with a dot, or none) for the report's
	range and platform; their values go into ``values``."""
	values.update({"from": from_date, "to": add_days(to_date, 1)})
	conditions = f"{table}posted_at >= %(from)s and {table}posted_at < %(to)s"
	if filters.get("platform"):
		values["platform"] = filters.platform
		conditions += f" and {table}platform = %(platform)s"
	return conditions


def range_mentions(filters, from_date, to_date, cap: int) -> int:
	"""The mentions of the range (and platform), counted up to ``cap`` through the covering
	``posted_at`` / ``(platform, posted_at)`` index."""
	values = {"cap": cap}
	return frappe.db.sql(
		f"""select count(*) from (select 1 from `tabMention`
		where {mention_range(filters, from_date, to_date, values)} limit %(cap)s) t""",
		values,
	)[0][0]


def profile_estimate() -> int:
	"""The number of Social Profiles as the table's statistics estimate it (no scan)."""
	rows = frappe.db.sql(
		"""select table_rows from information_schema.tables
		where table_schema = database() and table_name = 'tabSocial Profile'"""
	)
	return cint(rows[0][0]) if rows else 0


def matching_profiles(filters) -> list[str]:
	"""The names of the profiles that pass the author filters (few: ``PROFILES``)."""
	values = {}
	where = " and ".join(profile_conditions(filters, values)) or "1 = 1"
	return frappe.db.sql_list(f"select p.name from `tabSocial Profile` p where {where}", values)


def walk_candidates(filters, from_date, to_date, needed: int, held: set[str], rows: dict) -> None:
	"""Count into ``rows`` (by profile) a superset of the first ``needed`` authors that are not
	``held``, in influence order, without reading every mention of the range.

	The profiles are walked in influence order (index ``(influence_score, name)``) in growing
	batches (up to ``WALK_BATCH``); each batch's
	mentions in the range are counted through the ``(author, posted_at, sentiment, platform)``
	index of Mention. The walk stops when ``needed`` authors with mentions in the range have
	been found and the whole influence level of the last needed one has been counted: whoever
	was not reached has less influence and ranks below them. Bounded: a tie at that level of
	more than ``TIE_MAX_PROFILES`` profiles (e.g. every author at influence 0) is counted by
	the top of the grouped query for that level; after ``WALK_MAX_PROFILES`` probed profiles
	(few of them posted in the range) by the top of the grouped query for the profiles not
	walked yet. Both are exact, but read those mentions of the range.
	"""
	found: list[float] = []  # influence of the authors found (not held), in walk order
	after: tuple[Decimal, str] | None = None  # (influence, name) of the last profile walked
	level_only = False  # completing the tie at the cut
	walked = 0
	top = needed + len(held)  # the first ``needed`` not held are among the first ``top``
	size = min(WALK_BATCH, needed + 10)  # most walks end in the first batch: keep it small
	while True:
		batch = walk(filters, after, level_only, size)
		if not batch:
			break
		walked += len(batch)
		size = min(WALK_BATCH, 2 * size)
		for row in counted(filters, from_date, to_date, [p.profile for p in batch if p.profile not in held]):
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
				merge(
					rows, top_grouped(filters, from_date, to_date, top, *not_walked(after, level_only=True))
				)
				break
			level_only = True
		elif walked >= WALK_MAX_PROFILES and not level_only:
			merge(rows, top_grouped(filters, from_date, to_date, top, *not_walked(after)))
			break


def revenue_authors(filters, from_date, to_date, rows: dict) -> tuple[dict[str, float], set[str]]:
	"""Step 1 of :func:`unrestricted_authors`: count every profile of a customer with non-zero billed
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
		held = set(
			frappe.db.sql_list(
				f"select p.name from `tabSocial Profile` p where {' and '.join(conditions)}", values
			)
		)
		for row in counted(filters, from_date, to_date, list(held)):
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
	# ifnull(p.party, '') != '' / = '', written so that the `party` index can serve them
	if filters.get("linked") == "Linked":
		conditions.append("(p.party is not null and p.party != '')")
	elif filters.get("linked") == "Not Linked":
		conditions.append("(p.party is null or p.party = '')")
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
	"""The next ``size`` profiles that pass the author filters, by influence descending: name
	and influence only (the index ``(influence_score, name)`` covers them without filters)."""
	values = {"batch": size}
	conditions = profile_conditions(filters, values)
	if after:
		condition, more = not_walked(after, level_only)
		conditions.append(condition)
		values.update(more)
	where = f"where {' and '.join(conditions)}" if conditions else ""
	return frappe.db.sql(
		f"""select p.name as profile, p.influence_score, cast(p.influence_score as char) as level
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


def counted(filters, from_date, to_date, names: list[str]) -> list[dict]:
	"""The rows of :func:`query_authors` for these profiles (those without mentions in the
	range are left out): their mentions are counted through the covering index ``(author,
	posted_at, sentiment, platform)``, then each author found is joined to its profile (per
	author, not per mention; the database matches the names as the grouped query's join does)."""
	out = []
	for start in range(0, len(names), WALK_BATCH):
		values = {"authors": tuple(names[start : start + WALK_BATCH])}
		where = f"author in %(authors)s and {mention_range(filters, from_date, to_date, values)}"
		out += frappe.db.sql(
			f"""select {PROFILE_FIELDS}, c.mentions, c.negative, c.last_mention
			from ({author_counts(where, AUTHOR_INDEX)}) c
			join `tabSocial Profile` p on p.name = c.author""",
			values,
			as_dict=True,
		)
	return out


def query_authors(filters, from_date, to_date):
	"""One row per author of mentions in the range (the user's row condition applied)."""
	values = {}
	conditions = [
		mention_range(filters, from_date, to_date, values, "`tabMention`."),
		"`tabMention`.author is not null",
		*profile_conditions(filters, values),
	]
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


def author_counts(where: str, index: str = "") -> str:
	"""SELECT of (author, mentions, negative, last_mention) per author of the mentions ``where``
	selects (``index``: the Mention index to force)."""
	forced = f" force index ({index})" if index else ""
	return f"""select author, count(*) as mentions,
			cast({sentiment_count("Negative")} as signed) as negative, max(posted_at) as last_mention
		from `tabMention`{forced} where {where} group by author"""


def top_grouped(filters, from_date, to_date, top: int, extra: str = "", extra_values: dict | None = None):
	"""The first ``top`` rows of :func:`query_authors` (users without a row condition) in the
	report's order after revenue: influence, mentions, then the name as Python compares it
	(code points: ``utf8mb4_nopad_bin``). The range's mentions are grouped per author on the
	server, joined to the profiles for that order only; the fields are read for the ``top``
	rows. ``extra``: a further SQL condition on the profile `p`."""
	values = {"top": top, **(extra_values or {})}
	mentions = mention_range(filters, from_date, to_date, values)
	conditions = [*profile_conditions(filters, values), *([extra] if extra else [])]
	where = f"where {' and '.join(conditions)}" if conditions else ""
	return frappe.db.sql(
		f"""select {PROFILE_FIELDS}, t.mentions, t.negative, t.last_mention
		from (
			select p.name, c.mentions, c.negative, c.last_mention
			from ({author_counts(f"{mentions} and author is not null")}) c
			join `tabSocial Profile` p on p.name = c.author
			{where}
			order by p.influence_score desc, c.mentions desc, p.name collate utf8mb4_nopad_bin
			limit %(top)s
		) t
		join `tabSocial Profile` p on p.name = t.name""",
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
