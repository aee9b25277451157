"""SQL helpers the query builder is too slow for."""

from __future__ import annotations

from collections.abc import Sequence

import frappe

INSERT_CHUNK = 500  # rows per statement


def insert_many(
	doctype: str, fields: Sequence[str], rows: Sequence[tuple], ignore_duplicates: bool = False
) -> None:
	"""Insert rows (tuples in the order of ``fields``) as parametrized multi-row INSERTs.

	The statement text is built as a string (``values (%s, ...), (...)``): for hundreds of
	rows, ``frappe.db.bulk_insert``'s pypika query building costs more than the database's
	work. ``ignore_duplicates``: ``INSERT IGNORE`` (a row whose unique key exists is skipped).
	"""
	if not rows:
		return
	columns = ", ".join(f"`{field}`" for field in fields)
	placeholder = "(" + ", ".join(["%s"] * len(fields)) + ")"
	verb = "insert ignore" if ignore_duplicates else "insert"
	for start in range(0, len(rows), INSERT_CHUNK):
		batch = rows[start : start + INSERT_CHUNK]
		frappe.db.sql(
			f"{verb} into `tab{doctype}` ({columns}) values {', '.join([placeholder] * len(batch))}",
			[value for row in batch for value in row],
		)
