"""Signed webhook deliveries (engine.webhook): what is signed and every way a check fails."""

from social_crm.engine.webhook import BAD_SIGNATURE, MALFORMED, STALE, check_delivery, sign

SECRET = "s3cret"
NOW = 1_800_000_000.0


def delivery(**overrides):
	stamp, did, query, body = str(int(NOW)), "d-1", "source=a", b'{"x": 1}'
	values = {
		"secret": SECRET,
		"signature": sign(SECRET, stamp, did, query, body),
		"timestamp": stamp,
		"delivery_id": did,
		"query": query,
		"body": body,
		"now": NOW,
	}
	values.update(overrides)
	return check_delivery(**values)


def test_a_good_delivery_passes_and_the_prefix_is_optional():
	assert delivery() is None
	stamp = str(int(NOW))
	bare = sign(SECRET, stamp, "d-1", "source=a", b'{"x": 1}')[7:].upper()
	assert delivery(signature=bare) is None


def test_every_signed_part_matters():
	assert delivery(body=b'{"x": 2}') == BAD_SIGNATURE
	assert delivery(query="source=b") == BAD_SIGNATURE
	assert delivery(delivery_id="d-2") == BAD_SIGNATURE
	assert delivery(secret="other") == BAD_SIGNATURE
	assert delivery(timestamp=str(int(NOW) - 1)) == BAD_SIGNATURE


def test_the_window_bounds_replays():
	assert delivery(now=NOW + 300) is None
	assert delivery(now=NOW + 301) == STALE
	assert delivery(now=NOW - 301) == STALE
	assert delivery(now=NOW + 1000, window=2000) is None


def test_hostile_header_values_are_malformed_never_an_exception():
	for value in (None, "", "sha256=", "sha256=" + "é" * 64, "md5=00", "sha256=" + "0" * 5000, "\x00" * 64):
		assert delivery(signature=value) == MALFORMED
	for value in (None, "", "1e999", "-5", "12.5", "9" * 40, "now"):
		assert delivery(timestamp=value) == MALFORMED
	for value in (None, "", "x" * 129, "a b", "id\n", "ü"):
		assert delivery(delivery_id=value) == MALFORMED
