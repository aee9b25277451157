"""Parse untrusted XML (feeds) without entity expansion.

Feeds come from anyone. A DOCTYPE can declare entities that expand exponentially
("billion laughs") or pull in external files (XXE). Feeds never need a DOCTYPE, so
any DOCTYPE or entity declaration is refused outright. Built on the stdlib expat
parser so no extra dependency is needed.

Encodings: expat itself reads only UTF-8, UTF-16, ISO-8859-1 and ASCII. :func:`decode_xml`
transcodes a document declared in any encoding Python knows (Shift_JIS, Big5, GB18030,
windows-1252 ...) to UTF-8 first; bytes that are invalid in the declared (or default UTF-8)
encoding become U+FFFD and the document is marked *repaired*, so the feed connector rejects
just the entries that hold them instead of the whole feed.
"""

from __future__ import annotations

import codecs
import re
import xml.etree.ElementTree as ET
from xml.parsers import expat

from .base import ConnectorError


class UnsafeXML(ConnectorError):
	"""The document declares a DOCTYPE or entities; refused."""


_SURROGATE = re.compile("[\ud800-\udfff]")
_DECLARATION = re.compile(rb"""^(\s*<\?xml[^>]*?encoding\s*=\s*)(["'])([A-Za-z0-9._:-]{1,40})\2""")


def decode_xml(data: bytes) -> tuple[bytes, bool]:
	"""``data`` as UTF-8 XML for expat, and whether invalid bytes had to be replaced (U+FFFD).

	Raises :class:`ConnectorError` for an encoding Python does not know.
	"""
	if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
		return data, False  # UTF-16 with a byte order mark: expat reads it itself
	if data.startswith(codecs.BOM_UTF8):
		data = data[len(codecs.BOM_UTF8) :]
	match = _DECLARATION.match(data)
	encoding = "utf-8"
	if match:
		name = match.group(3).decode("ascii")
		try:
			info = codecs.lookup(name)
		except LookupError:
			info = None
		if info is None or not getattr(info, "_is_text_encoding", True):
			raise ConnectorError(f"the document declares an unknown encoding {name!r}")
		encoding = info.name
	if encoding.startswith("utf-16"):
		return data, False  # expat reads UTF-16 itself (and refuses it without a BOM)
	try:
		text, repaired = data.decode(encoding), False
	except UnicodeDecodeError:
		text, repaired = data.decode(encoding, errors="replace"), True
	if _SURROGATE.search(text):  # a few codecs (utf-7) can decode to lone surrogates
		text, repaired = _SURROGATE.sub("\ufffd", text), True
	out = text.encode("utf-8")
	if match:
		out = _DECLARATION.sub(lambda m: m.group(1) + m.group(2) + b"UTF-8" + m.group(2), out, count=1)
	return out, repaired


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
	except ValueError as exc:  # "multi-byte encodings are not supported" (pass bytes through decode_xml)
		raise ConnectorError(f"XML could not be read: {exc}")
	return root


def _qualify(name: str) -> str:
	# expat reports "uri local" with namespace_separator=" "; ElementTree spells it "{uri}local".
	if " " in name:
		uri, local = name.split(" ", 1)
		return f"{{{uri}}}{local}"
	return name
