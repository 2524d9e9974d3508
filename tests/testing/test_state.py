"""Job lifecycle, scripts and eviction of the store, with a controlled clock."""

from __future__ import annotations

import pytest

from bauplan_provider.testing._state import JobScript, JobStore, Submission


class Clock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


def _store(clock: Clock, **kwargs: float) -> JobStore:
    return JobStore(clock=clock, default_duration=10.0, **kwargs)  # type: ignore[arg-type]


def _submit(store: JobStore, script: JobScript | None = None, **fields: str) -> str:
    sub = Submission(kind="CODE_SNAPSHOT_RUN", user="u", models=("a", "b"), **fields)  # type: ignore[arg-type]
    return store.submit(sub, script=script).id


def test_lifecycle_timestamps() -> None:
    clock = Clock()
    store = _store(clock)
    job_id = _submit(store, JobScript(queue_delay=2, duration=3))

    rec = store.get(job_id)
    assert rec is not None
    assert (rec.status, rec.started_at, rec.finished_at) == ("NOT_STARTED", None, None)
    clock.now += 2
    rec = store.get(job_id)
    assert rec is not None
    assert (rec.status, rec.started_at) == ("RUNNING", 1_002.0)
    clock.now += 3
    rec = store.get(job_id)
    assert rec is not None
    assert (rec.status, rec.finished_at, rec.human_readable_status) == (
        "COMPLETE", 1_005.0, "Completed",
    )  # fmt: skip


def test_cancel_before_start_has_no_started_at() -> None:
    clock = Clock()
    store = _store(clock)
    job_id = _submit(store, JobScript(queue_delay=5))
    assert store.cancel(job_id, by="me") == (True, f"Cancellation of job {job_id} requested.")
    rec = store.get(job_id)
    assert rec is not None
    assert (rec.status, rec.started_at, rec.finished_at) == ("ABORT", None, 1_000.0)


def test_natural_end_before_cancel_delay_wins() -> None:
    clock = Clock()
    store = _store(clock)
    job_id = _submit(store, JobScript(duration=1, cancel_delay=5))
    store.cancel(job_id, by="me")
    clock.now += 1
    rec = store.get(job_id)
    assert rec is not None
    assert rec.status == "COMPLETE"


def test_events_follow_the_plan() -> None:
    clock = Clock()
    store = _store(clock)
    job_id = _submit(store, JobScript(duration=3, final_state="FAIL", error_message="bad"))
    clock.now += 1.5
    found = store.events(job_id)
    assert found is not None
    assert [(e.type, e.message) for e in found[1] if e.type == "user"] == [
        ("user", "Running model a.")
    ]
    clock.now += 10
    found = store.events(job_id)
    assert found is not None
    user = [(e.stream, e.message) for e in found[1] if e.type == "user"]
    assert user == [
        ("stdout", "Running model a."),
        ("stdout", "Running model b."),
        ("stderr", "bad"),
    ]
    assert found[1][-1].type == "completion"
    assert found[1][-1].state == "FAIL"


def test_eviction_only_removes_finished_jobs_oldest_first() -> None:
    clock = Clock()
    store = _store(clock, max_jobs=10_000)
    running = _submit(store, JobScript(final_state="NEVER"))
    finished = [_submit(store, JobScript(duration=0)) for _ in range(10_005)]

    assert len(store) == 10_000
    assert store.evicted == 6
    assert store.get(running) is not None
    assert all(store.get(j) is None for j in finished[:6])
    assert all(store.get(j) is not None for j in finished[6:])


def test_eviction_never_drops_unfinished_jobs() -> None:
    clock = Clock()
    store = _store(clock, max_jobs=10_000)
    ids = [_submit(store, JobScript(final_state="NEVER")) for _ in range(10_010)]
    assert len(store) == 10_010
    assert all(store.get(j) is not None for j in ids[:5])


def test_max_jobs_has_a_floor() -> None:
    with pytest.raises(ValueError, match="at least 10000"):
        JobStore(max_jobs=100)


def test_paging_is_stable_when_jobs_arrive() -> None:
    clock = Clock()
    store = _store(clock)
    ids = [_submit(store) for _ in range(5)]
    page, cursor = store.page(before_seq=None, predicate=lambda r: True, limit=2)
    assert [r.id for r in page] == ids[::-1][:2]
    _submit(store)  # a newer job must not shift the next page
    page2, cursor2 = store.page(before_seq=cursor, predicate=lambda r: True, limit=2)
    assert [r.id for r in page2] == ids[::-1][2:4]
    page3, cursor3 = store.page(before_seq=cursor2, predicate=lambda r: True, limit=2)
    assert [r.id for r in page3] == [ids[0]]
    assert cursor3 is None


def test_exact_page_boundary_has_no_empty_extra_page() -> None:
    clock = Clock()
    store = _store(clock)
    for _ in range(4):
        _submit(store)
    page, cursor = store.page(before_seq=None, predicate=lambda r: True, limit=4)
    assert len(page) == 4
    assert cursor is None
