"""Every user-facing string of the app has a German translation (the first users write German)."""

import csv
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import translatable_strings


def test_strings_are_collected_from_code_and_doctypes():
	strings = translatable_strings.collect()
	# a doctype name, a field label, a Python message and a JavaScript message
	for expected in ("Social Profile", "Posted At (UTC)", "A mention needs a text or a title", "View all"):
		assert expected in strings


def test_every_string_has_a_german_translation():
	missing = translatable_strings.missing()
	assert not missing, "add these to social_crm/translations/de.csv:\n" + "\n".join(missing)


def test_translation_file_is_well_formed():
	path = ROOT / "social_crm" / "translations" / "de.csv"
	with path.open(newline="") as f:
		rows = list(csv.reader(f))
	sources = [row[0] for row in rows]
	assert len(sources) == len(set(sources)), "duplicate source strings"
	for row in rows:
		assert len(row) >= 2 and row[1].strip(), row
		# placeholders survive translation
		for i in range(5):
			assert (f"{{{i}}}" in row[0]) == (f"{{{i}}}" in row[1]), row
