"""Issue 12, item 12: no code execution through settings.

The flair model setting is one of flair's names or a ``.pt`` file in the site's models
folder, chosen by a System Manager; a bad model falls back to the default analyzer, logged
once. Model files here are fake files the test writes (nothing is downloaded; flair need
not be installed).
"""

import pickle
import sys
import types
from unittest import mock

import frappe

from social_crm.engine.analysis.sentiment import DefaultAnalyzer
from social_crm.listening import enrichment
from social_crm.listening.enrichment import flair_models_dir, get_configured_analyzer
from social_crm.tests import SocialCRMTestCase
from social_crm.tests.utils import make_user

test_ignore = ["Customer", "Lead", "Contact", "Item", "Competitor", "Campaign", "User"]

SETTINGS = "Social CRM Settings"
LOG_TITLE = "Social CRM: sentiment analyzer unavailable, using the default"


class TestFlairModelSetting(SocialCRMTestCase):
	def setUp(self):
		self.models = flair_models_dir()
		self.models.mkdir(parents=True, exist_ok=True)
		self.addCleanup(self.restore)
		self.forget_analyzers()

	def restore(self):
		frappe.set_user("Administrator")
		for path in self.models.glob("_test-*.pt"):
			path.unlink()
		frappe.db.set_single_value(SETTINGS, {"sentiment_analyzer": "Default", "flair_model": ""})
		frappe.clear_document_cache(SETTINGS, SETTINGS)
		self.forget_analyzers()

	def forget_analyzers(self):
		enrichment._analyzers.clear()
		enrichment._unavailable_logged.clear()

	def model_file(self, name: str, content: bytes = b"not a real model") -> str:
		(self.models / name).write_bytes(content)
		return name

	def choose(self, model: str):
		settings = frappe.get_single(SETTINGS)
		settings.sentiment_analyzer, settings.flair_model = "Flair", model
		settings.save()
		return settings

	def test_only_flair_names_or_files_in_the_models_folder(self):
		outside = frappe.get_site_path("private", "files", "_test-upload.pt")
		for hostile in (
			"/etc/passwd",
			outside,  # an uploaded private file: anyone with upload rights could place it
			"../files/_test-upload.pt",
			"https://models.example.com/evil.pt",
			"evil-org/sentiment-model",  # a Hugging Face id is downloaded and unpickled
			"~/.flair/x.pt",
		):
			with self.assertRaises(frappe.ValidationError, msg=hostile):
				self.choose(hostile)
		with self.assertRaises(frappe.ValidationError):
			self.choose("_test-absent.pt")  # not in the folder
		self.assertEqual(self.choose("sentiment").flair_model, "sentiment")
		self.assertEqual(self.choose(self.model_file("_test-shop.pt")).flair_model, "_test-shop.pt")

	def test_only_a_system_manager_chooses_the_model(self):
		make_user("_flair_manager@example.com", ["Social CRM Manager"])
		frappe.set_user("_flair_manager@example.com")
		with self.assertRaises(frappe.PermissionError):
			self.choose("sentiment")
		# other settings stay theirs to change
		settings = frappe.get_single(SETTINGS)
		settings.timeline_limit = 25
		settings.save()

	def test_a_bad_model_falls_back_to_the_default_analyzer_logged_once(self):
		self.choose(self.model_file("_test-broken.pt", b"\x80\x04garbage"))
		frappe.clear_document_cache(SETTINGS, SETTINGS)
		# flair is optional and not installed on the test bench: stand in for its loader, which
		# fails on a broken file the way torch.load does (not an OSError)
		loads = []

		def load(path):
			loads.append(path)
			raise pickle.UnpicklingError("invalid load key, '\\x80'")

		models = types.ModuleType("flair.models")
		models.TextClassifier = types.SimpleNamespace(load=load)
		before = frappe.db.count("Error Log", {"method": LOG_TITLE})
		with mock.patch.dict(sys.modules, {"flair": types.ModuleType("flair"), "flair.models": models}):
			for _ in range(3):  # three enrichment jobs in one worker
				self.assertIsInstance(get_configured_analyzer(), DefaultAnalyzer)
		self.assertEqual(loads, [str(self.models / "_test-broken.pt")])  # the file in the folder, once
		self.assertEqual(frappe.db.count("Error Log", {"method": LOG_TITLE}), before + 1)

	def test_a_path_written_past_validation_is_never_loaded(self):
		# e.g. by SQL or an old site: the loader applies the same rule and falls back
		frappe.db.set_single_value(SETTINGS, {"sentiment_analyzer": "Flair", "flair_model": "/etc/passwd"})
		frappe.clear_document_cache(SETTINGS, SETTINGS)
		self.assertIsInstance(get_configured_analyzer(), DefaultAnalyzer)
		logged = frappe.get_all(
			"Error Log", filters={"method": LOG_TITLE}, fields=["error"], order_by="creation desc", limit=1
		)
		self.assertIn("neither one of flair's names", logged[0].error)
