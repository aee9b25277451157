"""Text helpers: HTML to safe plain text, whitespace, length limits, URL/email extraction."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

# Elements whose content is never text a person wrote.
_DROP_CONTENT = {"script", "style", "template", "noscript", "iframe", "object", "svg", "head", "title"}
# Elements that end a line or a paragraph.
_BLOCK = {
	"p",
	"div",
	"br",
	"li",
	"ul",
	"ol",
	"blockquote",
	"pre",
	"h1",
	"h2",
	"h3",
	"h4",
	"h5",
	"h6",
	"tr",
	"table",
	"section",
	"article",
	"header",
	"footer",
	"hr",
}

URL_RE = re.compile(r"https?://[^\s<>\"'()]+", re.IGNORECASE)
EMAIL_RE = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
MENTION_RE = re.compile(r"(?<![\w@])@[\w.-]+(?:@[\w.-]+\.\w+)?")
HASHTAG_RE = re.compile(r"(?<![\w#])#(\w+)", re.UNICODE)


class _TextExtractor(HTMLParser):
	def __init__(self):
		super().__init__(convert_charrefs=True)
		self.parts: list[str] = []
		self._skip_depth = 0

	def handle_starttag(self, tag, attrs):
		if tag in _DROP_CONTENT:
			self._skip_depth += 1
		elif tag in _BLOCK and not self._skip_depth:
			self.parts.append("\n")

	def handle_startendtag(self, tag, attrs):
		if tag in _BLOCK and not self._skip_depth:
			self.parts.append("\n")

	def handle_endtag(self, tag):
		if tag in _DROP_CONTENT:
			self._skip_depth = max(0, self._skip_depth - 1)
		elif tag in _BLOCK and not self._skip_depth:
			self.parts.append("\n")

	def handle_data(self, data):
		if not self._skip_depth:
			self.parts.append(data)


def html_to_text(value: str | None) -> str:
	"""Turn untrusted HTML (or plain text) into plain text.

	Tags are dropped, the content of script/style and similar elements is removed,
	entities are decoded, block elements become line breaks and whitespace is folded.
	The result contains no markup, so it is safe to store and show escaped.
	"""
	if not value:
		return ""
	value = str(value)
	if "<" not in value and "&" not in value:
		return normalize_whitespace(value)
	parser = _TextExtractor()
	try:
		parser.feed(value)
		parser.close()
	except Exception:
		# HTMLParser is lenient; this is a last resort for pathological input.
		return normalize_whitespace(re.sub(r"<[^>]*>", " ", html.unescape(value)))
	text = "".join(parser.parts)
	# A stray "<" that was not a tag survives as text; keep it but never as a tag.
	text = text.replace("<", "‹").replace(">", "›") if re.search(r"<\s*[a-zA-Z/!]", text) else text
	return normalize_whitespace(text)


# Characters that change how text around them is shown without being visible themselves:
# bidi embeddings/overrides/isolates (U+202A-202E, U+2066-2069, U+061C), zero-width spaces,
# joiners and marks (U+200B-200F), word joiner and invisible operators (U+2060-2064), the
# byte order mark / zero-width no-break space (U+FEFF) and the soft hyphen.
INVISIBLE_CHARACTERS = "".join(
	chr(code)
	for code in (
		0x00AD,
		0x061C,
		*range(0x200B, 0x2010),
		*range(0x202A, 0x202F),
		*range(0x2060, 0x2065),
		*range(0x2066, 0x206A),
		0xFEFF,
	)
)
_INVISIBLE_RE = re.compile(f"[{re.escape(INVISIBLE_CHARACTERS)}]")


def clean_display(value: object, max_chars: int = 0) -> str:
	"""One line of remote text fit to show anywhere: a name, a handle, an error message.

	``<`` and ``>`` become U+2039 and U+203A (single angle quotation marks), so no tag can survive (use :func:`html_to_text`
	first where a platform sends HTML); bidi controls and zero-width characters that could
	disguise a name or reorder what is shown are stripped; control characters go and
	whitespace folds to single spaces. Idempotent. ``max_chars`` > 0 cuts the result.
	"""
	if value is None:
		return ""
	text = _INVISIBLE_RE.sub("", str(value)).replace("<", "‹").replace(">", "›")
	text = " ".join("".join(ch for ch in text if ch >= " " or ch in "\t\n\r").split())
	return text[:max_chars] if max_chars > 0 else text


def normalize_whitespace(text: str) -> str:
	"""Fold runs of spaces, keep single line breaks, strip control characters."""
	text = "".join(ch for ch in text if ch in "\n\t" or ch >= " " or ch == "\r")
	text = text.replace("\r\n", "\n").replace("\r", "\n")
	lines = [re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in text.split("\n")]
	out: list[str] = []
	for line in lines:
		if line or (out and out[-1]):
			out.append(line)
	return "\n".join(out).strip()


def truncate(text: str, max_chars: int) -> tuple[str, bool]:
	"""Cut ``text`` to ``max_chars`` characters; return (text, was_truncated)."""
	if max_chars <= 0 or len(text) <= max_chars:
		return text, False
	return text[: max_chars - 1].rstrip() + "…", True


def extract_urls(text: str) -> list[str]:
	return [u.rstrip(".,;:!?") for u in URL_RE.findall(text or "")]
