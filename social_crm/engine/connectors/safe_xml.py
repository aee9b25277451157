"""Parse untrusted XML (feeds) without entity expansion.

Feeds come from anyone. A DOCTYPE can declare entities that expand exponentially
("billion laughs") or pull in external files (XXE). Feeds never need a DOCTYPE, so
any DOCTYPE or entity declaration is refused outright. Built on the stdlib expat
parser so no extra dependency is needed.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from xml.parsers import expat

from .base import ConnectorError


class UnsafeXML(ConnectorError):
	"""The document declares a DOCTYPE or entities; refused."""


def parse_xml(data: bytes | str) -> ET.Element:
	"""Parse ``data`` into an ElementTree element; namespaced tags look like ``{uri}name``.

	Raises :class:`UnsafeXML` for DOCTYPE/ENTITY declarations and :class:`ConnectorError`
	for documents that are not well-formed XML.
	"""
	parser = expat.ParserCreate(namespace_separator=" ")
	builder = ET.TreeBuilder()

	def refuse_doctype(*_args):
		raise UnsafeXML("XML with a DOCTYPE declaration is refused (entity expansion risk)")

	def refuse_entity(*_args):
		raise UnsafeXML("XML with entity declarations is refused (entity expansion risk)")

	def refuse_external(*_args):
		raise UnsafeXML("XML referring to external entities is refused")

	parser.StartDoctypeDeclHandler = refuse_doctype
	parser.EntityDeclHandler = refuse_entity
	parser.UnparsedEntityDeclHandler = refuse_entity
	parser.ExternalEntityRefHandler = refuse_external
	parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
	parser.buffer_text = True
	parser.StartElementHandler = lambda name, attrs: builder.start(
		_qualify(name), {_qualify(k): v for k, v in attrs.items()}
	)
	parser.EndElementHandler = lambda name: builder.end(_qualify(name))
	parser.CharacterDataHandler = builder.data
	try:
		parser.Parse(data, True)
		root = builder.close()
	except expat.ExpatError as exc:
		raise ConnectorError(f"not well-formed XML: {exc}")
	except AssertionError:
		raise ConnectorError("not well-formed XML: unbalanced elements")
	return root


def _qualify(name: str) -> str:
	# expat reports "uri local" with namespace_separator=" "; ElementTree spells it "{uri}local".
	if " " in name:
		uri, local = name.split(" ", 1)
		return f"{{{uri}}}{local}"
	return name
