"""JobWatch: the wait policy's decisions, with a fake clock (no I/O)."""

from __future__ import annotations

import pytest

from bauplan_provider.core import (
    BauplanAuthError,
    BauplanTransientError,
    Job,
    JobStatus,
    JobWatch,
    WaitPolicy,
)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_backoff_to_cap() -> None:
    watch = JobWatch("j", WaitPolicy(poll_interval=2, max_poll_interval=5, backoff=1.5))
    assert [watch.next_sleep() for _ in range(5)] == [2, 3, 4.5, 5, 5]


def test_sleep_never_passes_deadline() -> None:
    clock = Clock()
    watch = JobWatch("j", WaitPolicy(poll_interval=10), deadline=1003.0, clock=clock)
    assert watch.next_sleep() == 3.0
    clock.now = 1003.0
    assert watch.deadline_passed()


def test_status_changes_reported_once_each() -> None:
    seen: list[JobStatus] = []
    watch = JobWatch("j", on_status_change=lambda job: seen.append(job.status))
    for status in ["NOT_STARTED", "NOT_STARTED", "RUNNING", "OTHER", "RUNNING", "COMPLETE"]:
        done = watch.record(Job(id="j", status=JobStatus(status)))
    assert done
    assert seen == [
        JobStatus(s) for s in ["NOT_STARTED", "RUNNING", "OTHER", "RUNNING", "COMPLETE"]
    ]


def test_transient_errors_retried_within_window_then_raised() -> None:
    clock = Clock()
    watch = JobWatch("j", WaitPolicy(transient_error_window=60), clock=clock)
    error = BauplanTransientError("down", code="UNAVAILABLE")
    watch.record_error(error)
    clock.now += 59
    watch.record_error(error)
    watch.record(Job(id="j", status=JobStatus.RUNNING))  # a success resets the window
    clock.now += 30
    watch.record_error(error)
    clock.now += 59
    watch.record_error(error)
    clock.now += 1
    with pytest.raises(BauplanTransientError, match="kept failing for 60 s"):
        watch.record_error(error)
    assert watch.errors_delivered == 5


def test_permanent_error_raises_at_once() -> None:
    watch = JobWatch("j")
    with pytest.raises(BauplanAuthError):
        watch.record_error(BauplanAuthError("no", code="UNAUTHENTICATED"))
