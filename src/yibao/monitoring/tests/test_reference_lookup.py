"""The fast check that every fee line's settlement exists (dataset.all_in), against plain set logic."""

import pyarrow as pa
import pytest

from yibao.monitoring.engine.dataset import all_in

KNOWN = pa.chunked_array([["ST0001", "ST0002", "ST0005", "ST0009"]])


@pytest.mark.parametrize(("values", "expected"), [
    ([["ST0001", "ST0005"], ["ST0009"]], True),
    ([["ST0001"], ["ST0003"]], False),
    ([["ST0010"]], False),           # beyond the last known id
    ([["ST0000"]], False),           # before the first
    ([["ST001"]], False),            # another width: never known
    ([["ST0001", "ST01"]], False),   # mixed widths in one chunk: looked up by hashing
    ([[]], True),
    ([["ST0002", "ST0005"], ["ST0009"]], True),   # each chunk one stretch of the known ids
    ([["ST0009", "ST0010"]], False),              # a stretch running past the last known id
])
def test_ids_are_found_exactly_as_a_set_would_find_them(values, expected):
    chunked = pa.chunked_array(values, type=pa.string())
    assert all_in(chunked, KNOWN) is expected
    assert expected == (set(chunked.to_pylist()) <= set(KNOWN.to_pylist()))


def test_a_trailing_nul_does_not_make_an_unknown_id_known():
    known = pa.chunked_array([["AB", "AC"]])
    assert all_in(pa.chunked_array([["AB\x00"]]), known) is False
    assert all_in(pa.chunked_array([["AB"]]), known) is True


def test_unsorted_known_ids_are_looked_up_by_hashing():
    known = pa.chunked_array([["ST0009", "ST0001", "ST0005"]])
    assert all_in(pa.chunked_array([["ST0001", "ST0009"]]), known) is True
    assert all_in(pa.chunked_array([["ST0002"]]), known) is False
