"""execute_complete trusts nothing: trigger event payloads are validated before use."""

from __future__ import annotations

from typing import Any

import pytest

from bauplan_provider.airflow.events import JobEvent
from bauplan_provider.core import BauplanProviderError, Job, JobStatus

JOB = Job(id="j1", status=JobStatus.COMPLETE).to_dict()


def test_round_trip() -> None:
    event = JobEvent(status="success", job_id="j1", message="done", job=JOB)
    again = JobEvent.from_payload(event.to_payload(), expected_job_id="j1")
    assert again == event
    assert again.job_record == Job.from_dict(JOB)


@pytest.mark.parametrize(
    ("payload", "error"),
    [
        (None, "not a dict"),
        ("success", "not a dict"),
        ({"status": "great", "job_id": "j1", "job": JOB}, "unknown status"),
        ({"status": "success", "job": JOB}, "no job id"),
        ({"status": "success", "job_id": "j2", "job": JOB}, "expected j1"),
        ({"status": "success", "job_id": "j1"}, "carries no job record"),
        ({"status": "success", "job_id": "j1", "job": {"id": "j1", "status": "?"}}, "bad job"),
        (
            {"status": "failed", "job_id": "j1", "job": JOB},
            "says 'failed' but the job is COMPLETE",
        ),
        (
            {"status": "success", "job_id": "j1", "job": {**JOB, "id": "other"}},
            "about other",
        ),
    ],
)
def test_malformed_payloads_are_rejected(payload: Any, error: str) -> None:
    with pytest.raises(BauplanProviderError, match=error):
        JobEvent.from_payload(payload, expected_job_id="j1")


def test_timeout_and_error_events_need_no_job_record() -> None:
    timeout = JobEvent.from_payload(
        {"status": "timeout", "job_id": "j1", "message": "late", "cancelled": True}
    )
    assert (timeout.cancelled, timeout.job_record) == (True, None)
    error = JobEvent.from_payload({"status": "error", "job_id": "j1", "message": "API down"})
    assert error.message == "API down"
