from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest
from bauplan.schema import JobState

from bauplan_provider.core import Job, JobStatus


@pytest.mark.parametrize(
    ("state", "status", "terminal"),
    [
        (JobState.UNSPECIFIED, JobStatus.UNSPECIFIED, False),
        (JobState.NOT_STARTED, JobStatus.NOT_STARTED, False),
        (JobState.RUNNING, JobStatus.RUNNING, False),
        (JobState.COMPLETE, JobStatus.COMPLETE, True),
        (JobState.ABORT, JobStatus.ABORT, True),
        (JobState.FAIL, JobStatus.FAIL, True),
        (JobState.OTHER, JobStatus.OTHER, False),
    ],
)
def test_status_from_sdk(state: object, status: JobStatus, terminal: bool) -> None:
    converted = JobStatus.from_sdk(state)
    assert converted is status
    assert converted.is_terminal is terminal
    assert hash(converted)  # unlike JobState, usable in sets and dict keys


def test_job_round_trips_through_json() -> None:
    job = Job(
        id="abc",
        status=JobStatus.FAIL,
        kind="Run",
        user="ada",
        runner="runner-1",
        human_readable_status="Fail",
        created_at=datetime(2026, 1, 1, 10, 0, tzinfo=timezone.utc),
        started_at=datetime(2026, 1, 1, 10, 0, 5, tzinfo=timezone.utc),
        finished_at=datetime(2026, 1, 1, 10, 1, 5, tzinfo=timezone.utc),
        error_message="boom",
    )
    data = json.loads(json.dumps(job.to_dict()))
    assert Job.from_dict(data) == job
    assert job.duration_seconds == 60.0


@pytest.mark.parametrize("bad", [{}, {"id": ""}, {"id": "x", "status": "DONE"}, "nope"])
def test_job_from_dict_rejects_bad_input(bad: object) -> None:
    with pytest.raises(ValueError):
        Job.from_dict(bad)  # type: ignore[arg-type]
