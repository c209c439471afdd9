"""Views one control away are prepared between runs, and only between runs."""

from __future__ import annotations

import threading
import time
from dataclasses import replace

import pytest
import streamlit as st

import pipeline
from hotspots.params import HotspotParams
from ui import prepare, state
from ui.background import PREPARER, Preparer
from ui.data import Request, Sources
from ui.filters import IncidentFilter
from ui.prepare import MAX_VIEWS, neighbours

REQUEST = Request(
    sources=Sources(incidents=(("a.csv", b"x"),)),
    choice=IncidentFilter(categories=("county lines",)),
    params=HotspotParams(categories=("county lines",), threshold=3, alpha=0.05),
)
CHOICES = {
    "themes": ("county lines", "missing"),
    "thresholds": (2, 50),
    "alphas": (0.01, 0.05, 0.1),
    "periods": ("fortnight", "month"),
    "units": ("square", "hex"),
    "bands": ("evening",),
    "partners": ("police",),
}


def test_neighbours_are_one_control_away() -> None:
    found = neighbours(REQUEST, **CHOICES)
    assert REQUEST not in found
    assert len(found) == len(set(found))
    themes = [r.choice.categories for r in found[:2]]
    assert themes == [(), ("county lines", "missing")]
    # The filter and the analysis see the same themes.
    assert all(r.params.categories == r.choice.categories for r in found)
    assert {r.params.threshold for r in found} == {2, 3, 4}
    assert {r.params.alpha for r in found} == {0.01, 0.05, 0.1}
    assert "hex" in [r.params.units for r in found]
    assert ("evening",) in [r.choice.bands for r in found]
    assert ("police",) in [r.choice.sources for r in found]
    for view in found:  # each differs from the request in one control only
        changed = [
            name
            for name in ("categories", "threshold", "alpha", "period", "units")
            if getattr(view.params, name) != getattr(REQUEST.params, name)
        ] + [
            name
            for name in ("bands", "sources")
            if getattr(view.choice, name) != getattr(REQUEST.choice, name)
        ]
        assert len(changed) == 1, changed


def test_neighbours_keep_the_threshold_within_bounds() -> None:
    at_lowest = replace(REQUEST, params=replace(REQUEST.params, threshold=2))
    found = neighbours(at_lowest, **CHOICES)
    assert {r.params.threshold for r in found} == {2, 3}
    at_highest = replace(REQUEST, params=replace(REQUEST.params, threshold=50))
    assert {r.params.threshold for r in neighbours(at_highest, **CHOICES)} == {
        49,
        50,
    }


def test_neighbours_include_the_publishable_switch() -> None:
    found = neighbours(REQUEST, **CHOICES, switched=10)
    assert {r.params.threshold for r in found} == {2, 3, 4, 10}


def test_neighbours_are_capped() -> None:
    many = {**CHOICES, "themes": tuple(f"theme {i}" for i in range(40))}
    found = neighbours(REQUEST, **many)
    assert len(found) == MAX_VIEWS
    assert all(r.params.threshold == 3 for r in found)  # themes come first


def _recorder() -> tuple[list[tuple[str, float]], callable]:
    ran: list[tuple[str, float]] = []

    def step(name: str) -> callable:
        return lambda: ran.append((name, time.monotonic()))

    return ran, step


def test_steps_wait_until_no_page_is_running() -> None:
    preparer = Preparer(quiet_s=0.05)
    ran, step = _recorder()
    with preparer.page_run():
        preparer.offer([step("a"), step("b")])
        time.sleep(0.3)
        assert ran == []
    ended = time.monotonic()
    assert preparer.wait_idle(5)
    assert [name for name, _ in ran] == ["a", "b"]
    assert ran[0][1] - ended >= 0.05


def test_a_newer_page_replaces_what_is_queued() -> None:
    preparer = Preparer(quiet_s=0.01)
    ran, step = _recorder()
    with preparer.page_run():
        preparer.offer([step("old")])
        preparer.offer([step("new 1"), step("new 2")])
    assert preparer.wait_idle(5)
    assert [name for name, _ in ran] == ["new 1", "new 2"]


def test_a_failing_step_does_not_stop_the_rest() -> None:
    preparer = Preparer(quiet_s=0.0)
    ran, step = _recorder()

    def broken() -> None:
        raise ValueError("no such view")

    preparer.offer([broken, step("after")])
    assert preparer.wait_idle(5)
    assert [name for name, _ in ran] == ["after"]


def test_replaced_or_cleared_files_drop_their_queue() -> None:
    preparer = Preparer(quiet_s=0.0)
    ran, step = _recorder()
    with preparer.page_run():
        preparer.offer([step("theirs")], owner="files A")
        preparer.withdraw("files B")  # someone else's files: kept
        preparer.withdraw("files A")
    assert preparer.wait_idle(5)
    assert ran == []
    with preparer.page_run():
        preparer.offer([step("kept")], owner="files A")
        preparer.withdraw("files B")
    assert preparer.wait_idle(5)
    assert [name for name, _ in ran] == ["kept"]


def test_wait_idle_times_out_while_a_page_runs() -> None:
    preparer = Preparer(quiet_s=0.0)
    ran, step = _recorder()
    with preparer.page_run():
        preparer.offer([step("a")])
        assert not preparer.wait_idle(0.2)
        assert ran == []
    assert preparer.wait_idle(5)
    assert [name for name, _ in ran] == ["a"]


@pytest.fixture
def detect_calls(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the analyses actually run (cache misses of ``ui.data.detect``)."""
    calls: list[int] = []
    real = pipeline.detect
    lock = threading.Lock()

    def counted(*args, **kwargs):
        with lock:
            calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(pipeline, "detect", counted)
    return calls


def test_a_prepared_theme_and_threshold_need_no_new_analysis(
    fresh, monkeypatch: pytest.MonkeyPatch, detect_calls: list[int]
) -> None:
    monkeypatch.setenv("CMET_PREPARE", "1")
    st.cache_resource.clear()  # nothing left from other tests' views
    app = fresh()
    app.run()
    assert not app.exception
    assert PREPARER.wait_idle(240)
    prepared = len(detect_calls)
    assert prepared > 1  # the page's own analysis and the neighbours'

    themes = app.multiselect(key=state.SB_CATEGORIES)
    themes.set_value([themes.options[0]])
    app.run()
    assert not app.exception
    assert len(detect_calls) == prepared  # answered from what was prepared
    assert PREPARER.wait_idle(240)

    app.multiselect(key=state.SB_CATEGORIES).set_value([])
    app.run()
    threshold = app.number_input(key=state.SB_THRESHOLD)
    before = len(detect_calls)
    threshold.set_value(threshold.value + 1)
    app.run()
    assert len(detect_calls) == before
    # Two steps away was not prepared: the analysis runs (the counter counts).
    app.number_input(key=state.SB_THRESHOLD).set_value(threshold.value + 2)
    app.run()
    assert not app.exception
    assert len(detect_calls) == before + 1
    PREPARER.wait_idle(240)


@pytest.mark.parametrize("why", ["turned off", "too many incidents"])
def test_nothing_is_prepared_when_turned_off_or_too_big(
    fresh, monkeypatch: pytest.MonkeyPatch, detect_calls: list[int], why: str
) -> None:
    monkeypatch.setenv("CMET_PREPARE", "0" if why == "turned off" else "1")
    if why == "too many incidents":
        monkeypatch.setattr(prepare, "MAX_INCIDENTS", 10)
    st.cache_resource.clear()
    app = fresh()
    app.run()
    assert not app.exception
    assert PREPARER.wait_idle(30)
    time.sleep(1.5)  # longer than the quiet time before a first step
    assert PREPARER.wait_idle(30)
    assert len(detect_calls) == 1  # the page's own analysis only


@pytest.mark.parametrize(
    ("threshold", "publishable", "expected"),
    [(5, True, 10), (12, True, 12), (10, False, 5), (12, False, 12), (3, False, 3)],
)
def test_publishable_threshold(threshold: int, publishable: bool, expected: int):
    from ui.sidebar import publishable_threshold

    assert publishable_threshold(threshold, publishable) == expected


def test_each_batch_ends_by_collecting_garbage_and_freezing_the_rest() -> None:
    """Cycles left from earlier batches are collected; the survivors are frozen."""
    import gc
    import weakref

    class Node:
        pass

    try:
        a, b = Node(), Node()
        a.other, b.other = b, a  # a garbage cycle once the names are gone
        gone = weakref.ref(a)
        gc.freeze()  # as an earlier batch left it
        del a, b
        gc.collect()
        assert gone() is not None  # frozen: ordinary collections skip it
        preparer = Preparer(quiet_s=0.0, tidy_after_s=0.0)
        preparer.offer([lambda: None])
        assert preparer.wait_idle(10)
        assert gone() is None
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_a_batch_of_cache_hits_leaves_the_heap_alone(monkeypatch) -> None:
    """Only a batch whose steps worked for ``tidy_after_s`` ends with a collection."""
    from ui import background

    tidied: list[int] = []
    monkeypatch.setattr(background, "settle_heap", lambda: tidied.append(1))
    preparer = Preparer(quiet_s=0.0, tidy_after_s=0.2)
    preparer.offer([lambda: None, lambda: None])  # cache hits: no real work
    assert preparer.wait_idle(10)
    assert tidied == []
    preparer.offer([lambda: time.sleep(0.25)])  # a view worked out
    assert preparer.wait_idle(10)
    assert tidied == [1]
    preparer.offer([lambda: None])  # the work was tidied away already
    assert preparer.wait_idle(10)
    assert tidied == [1]
