"""The cache key of the files in use: equal for equal files, different otherwise."""

from __future__ import annotations

from ui.data import BY_DIGEST, Request, Sources

A = ("incidents.csv", b"date,category\n2025-01-01,violence\n")
B = ("incidents.csv", b"date,category\n2025-01-02,violence\n")
AREA = ("area.geojson", b'{"type": "FeatureCollection", "features": []}')


def test_equal_files_give_equal_keys_and_any_change_a_new_one():
    """Same bytes, same key; one changed byte, a renamed file or another kind differ."""
    key = Sources(incidents=(A,), area=AREA).key
    assert Sources(incidents=(A,), area=AREA).key == key
    assert Sources(incidents=(B,), area=AREA).key != key
    assert Sources(incidents=(("other.csv", A[1]),), area=AREA).key != key
    assert Sources(incidents=(A,), services=(A,), area=AREA).key != key
    assert Sources(incidents=(A,)).key != key
    assert Sources(incidents=(A,), area=AREA, demo=True).key != key
    assert Sources(incidents=(A, A), area=AREA).key != key


def test_request_hash_follows_files_and_settings():
    """A request hashes by its files' digest plus its settings and panel date."""
    by_request = BY_DIGEST[Request]
    one = Request(sources=Sources(incidents=(A,)))
    assert by_request(one) == by_request(Request(sources=Sources(incidents=(A,))))
    assert by_request(one) != by_request(Request(sources=Sources(incidents=(B,))))
