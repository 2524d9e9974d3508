"""bauplan_run / bauplan_import in sync and async flows, against the emulator and a real server."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from prefect import flow
from prefect.states import State
from prefect_helpers import flow_run_artifacts, flow_run_logs, task_runs_of

from bauplan_provider.core import (
    BauplanAuthError,
    BauplanConfigError,
    BauplanDeadlineError,
    BauplanJobCancelledError,
    BauplanJobFailedError,
    BauplanTransientError,
    JobStatus,
)
from bauplan_provider.prefect import (
    BauplanCredentials,
    BauplanJobResult,
    abauplan_import,
    abauplan_run,
    bauplan_import,
    bauplan_run,
)
from bauplan_provider.testing import BauplanEmulator, JobScript

pytestmark = pytest.mark.bauplan_emulator(default_duration=0.3)

FAST: dict[str, Any] = {"poll_interval": 0.1, "max_poll_interval": 0.5}


@flow
def run_flow(project_dir: str, options: dict[str, Any] | None = None) -> BauplanJobResult:
    return bauplan_run(project_dir, ref="main", **FAST, **(options or {}))


@flow
def submit_flow(project_dir: str) -> BauplanJobResult:
    future = bauplan_run.submit(project_dir, ref="main", parameters={"min_trips": 3}, **FAST)
    return future.result()


@flow
def import_flow(table: str) -> BauplanJobResult:
    return bauplan_import(table, "s3://bucket/trips/*.parquet", branch="main", **FAST)


@flow
async def async_run_flow(project_dir: str) -> tuple[BauplanJobResult, int]:
    ticks = 0
    done = asyncio.Event()

    async def ticker() -> None:
        nonlocal ticks
        while not done.is_set():
            ticks += 1
            await asyncio.sleep(0.02)

    ticking = asyncio.create_task(ticker())
    result = await abauplan_run(project_dir, ref="main", **FAST)
    done.set()
    await ticking
    return result, ticks


@flow
async def async_import_flow(table: str) -> BauplanJobResult:
    return await abauplan_import(table, "s3://bucket/trips/*.parquet", **FAST)


def _assert_completed_with_logs_and_artifact(
    state: State[Any], emulator: BauplanEmulator, expected_line: str
) -> BauplanJobResult:
    assert state.is_completed(), state.message
    result = state.result()
    if isinstance(result, tuple):
        result = result[0]
    assert isinstance(result, BauplanJobResult)
    assert result.job.status is JobStatus.COMPLETE
    assert result.job.id == emulator.jobs()[0].id
    flow_run_id = state.state_details.flow_run_id
    assert flow_run_id is not None
    logs = flow_run_logs(flow_run_id)
    assert expected_line in logs
    assert f"Bauplan job {result.job_id} completed." in logs
    artifacts = flow_run_artifacts(flow_run_id)
    assert [a.key for a in artifacts] == [f"bauplan-job-{result.job_id.lower()}"]
    assert result.job_id in artifacts[0].data and "COMPLETE" in artifacts[0].data
    return result


# ----- success paths ----------------------------------------------------------------------


def test_sync_flow_direct_call(
    bauplan_emulator: BauplanEmulator, bauplan_project_dir: Path
) -> None:
    state = run_flow(str(bauplan_project_dir), return_state=True)
    result = _assert_completed_with_logs_and_artifact(
        state, bauplan_emulator, "[stdout] INFO: Running model trips_clean."
    )
    assert bauplan_emulator.count("CodeSnapshotRun", code="OK") == 1
    assert result.project_name == "test_project"
    assert result.ref == "main"


def test_sync_flow_submit(bauplan_emulator: BauplanEmulator, bauplan_project_dir: Path) -> None:
    state = submit_flow(str(bauplan_project_dir), return_state=True)
    _assert_completed_with_logs_and_artifact(
        state, bauplan_emulator, "[stdout] INFO: Running model zones."
    )
    assert bauplan_emulator.count("CodeSnapshotRun") == 1


def test_sync_flow_import(bauplan_emulator: BauplanEmulator) -> None:
    state = import_flow("trips", return_state=True)
    result = _assert_completed_with_logs_and_artifact(
        state, bauplan_emulator, "[stdout] INFO: Importing files into table trips."
    )
    assert bauplan_emulator.count("TableDataImport", code="OK") == 1
    assert bauplan_emulator.job(result.job_id).table == "trips"


def test_async_flow_run_never_blocks_the_loop(
    bauplan_emulator: BauplanEmulator, bauplan_project_dir: Path
) -> None:
    state = asyncio.run(async_run_flow(str(bauplan_project_dir), return_state=True))
    _assert_completed_with_logs_and_artifact(
        state, bauplan_emulator, "[stdout] INFO: Running model trips_daily."
    )
    _, ticks = state.result()
    # The job runs 0.3 s; a ticker sleeping 0.02 s between ticks kept running meanwhile.
    assert ticks >= 5


def test_async_flow_import(bauplan_emulator: BauplanEmulator) -> None:
    state = asyncio.run(async_import_flow("zones", return_state=True))
    _assert_completed_with_logs_and_artifact(
        state, bauplan_emulator, "[stdout] INFO: Importing files into table zones."
    )


# ----- failures ---------------------------------------------------------------------------


def test_scripted_fail_fails_the_flow_with_bauplan_message(
    bauplan_emulator: BauplanEmulator, bauplan_project_dir: Path
) -> None:
    bauplan_emulator.script(
        JobScript(
            final_state="FAIL",
            error_message="division by zero in trips_daily",
            logs=[("stderr", "ERROR", "Traceback: ZeroDivisionError")],
        )
    )
    state = run_flow(str(bauplan_project_dir), return_state=True)
    assert state.is_failed()
    with pytest.raises(BauplanJobFailedError) as info:
        state.result()
    assert "division by zero in trips_daily" in str(info.value)
    assert "[stderr] ERROR: Traceback: ZeroDivisionError" in str(info.value)
    flow_run_id = state.state_details.flow_run_id
    assert flow_run_id is not None
    logs = flow_run_logs(flow_run_id)
    assert "[stderr] ERROR: Traceback: ZeroDivisionError" in logs
    (artifact,) = flow_run_artifacts(flow_run_id)
    assert "FAIL" in artifact.data and "division by zero in trips_daily" in artifact.data
    assert bauplan_emulator.count("CancelJob") == 0


def test_external_abort_fails_as_cancelled_in_bauplan(
    bauplan_emulator: BauplanEmulator, bauplan_project_dir: Path
) -> None:
    bauplan_emulator.script(JobScript(final_state="ABORT"))
    state = run_flow(str(bauplan_project_dir), return_state=True)
    assert state.is_failed()
    with pytest.raises(BauplanJobCancelledError, match="cancelled in Bauplan"):
        state.result()
    assert bauplan_emulator.count("CancelJob") == 0


def test_transient_get_jobs_faults_are_survived_without_resubmitting(
    bauplan_emulator: BauplanEmulator, bauplan_project_dir: Path
) -> None:
    bauplan_emulator.inject_fault("GetJobs", code="UNAVAILABLE", count=3)
    state = run_flow(str(bauplan_project_dir), return_state=True)
    assert state.is_completed(), state.message
    assert bauplan_emulator.count("GetJobs", code="UNAVAILABLE") == 3
    assert bauplan_emulator.count("CodeSnapshotRun") == 1


def test_rejected_key_fails_fast_and_is_not_retried(
    bauplan_emulator: BauplanEmulator, bauplan_project_dir: Path
) -> None:
    credentials = BauplanCredentials(api_key="not-the-key", api_endpoint=bauplan_emulator.endpoint)

    @flow
    def wrong_key_flow() -> BauplanJobResult:
        return bauplan_run.with_options(retries=2, retry_delay_seconds=0)(
            str(bauplan_project_dir), credentials=credentials, **FAST
        )

    state = wrong_key_flow(return_state=True)
    assert state.is_failed()
    with pytest.raises(BauplanAuthError):
        state.result()
    assert bauplan_emulator.count("CodeSnapshotRun") == 1
    assert bauplan_emulator.count("CodeSnapshotRun", code="UNAUTHENTICATED") == 1


def test_bad_input_fails_before_submission_naming_the_field(
    bauplan_emulator: BauplanEmulator, tmp_path: Path
) -> None:
    state = run_flow(str(tmp_path / "missing"), return_state=True)
    with pytest.raises(BauplanConfigError) as info:
        state.result()
    assert info.value.field == "project_dir"
    state = run_flow(str(tmp_path), {"max_log_lines": -1}, return_state=True)
    with pytest.raises(BauplanConfigError) as info:
        state.result()
    assert info.value.field == "max_log_lines"
    assert bauplan_emulator.count("CodeSnapshotRun") == 0


def test_task_retry_after_failed_job_resubmits(
    bauplan_emulator: BauplanEmulator, bauplan_project_dir: Path
) -> None:
    bauplan_emulator.script(JobScript(final_state="COMPLETE"))
    bauplan_emulator.script(JobScript(final_state="FAIL", error_message="flaky", times=1))

    @flow
    def retrying_flow() -> BauplanJobResult:
        return bauplan_run.with_options(retries=1, retry_delay_seconds=0)(
            str(bauplan_project_dir), **FAST
        )

    state = retrying_flow(return_state=True)
    assert state.is_completed(), state.message
    assert bauplan_emulator.count("CodeSnapshotRun", code="OK") == 2
    statuses = sorted(job.status for job in bauplan_emulator.jobs())
    assert statuses == ["COMPLETE", "FAIL"]


# ----- timeouts ---------------------------------------------------------------------------


def _assert_timed_out_and_cancelled(state: State[Any], emulator: BauplanEmulator) -> None:
    """The task ended TimedOut, its job was cancelled (ABORT) and the run log says so."""
    job_id = emulator.jobs()[0].id
    assert [c.job_id for c in emulator.calls("CancelJob")] == [job_id]
    assert emulator.job(job_id).status == "ABORT"
    flow_run_id = state.state_details.flow_run_id
    assert flow_run_id is not None
    (task_run,) = task_runs_of(flow_run_id)
    assert task_run.state.name == "TimedOut"
    assert any(f"Cancelled Bauplan job {job_id}" in line for line in flow_run_logs(flow_run_id))


def test_timeout_parameter_cancels_the_job(
    bauplan_emulator: BauplanEmulator, bauplan_project_dir: Path
) -> None:
    bauplan_emulator.script(JobScript(final_state="NEVER"))
    state = run_flow(str(bauplan_project_dir), {"timeout": 1.0}, return_state=True)
    assert state.is_failed()
    with pytest.raises(BauplanDeadlineError) as info:
        state.result()
    assert info.value.cancelled
    _assert_timed_out_and_cancelled(state, bauplan_emulator)


def test_task_timeout_seconds_cancels_the_job(
    bauplan_emulator: BauplanEmulator, bauplan_project_dir: Path
) -> None:
    bauplan_emulator.script(JobScript(final_state="NEVER"))

    @flow
    def task_timeout_flow() -> BauplanJobResult:
        return bauplan_run.with_options(timeout_seconds=1)(str(bauplan_project_dir), **FAST)

    state = task_timeout_flow(return_state=True)
    assert state.is_failed()
    _assert_timed_out_and_cancelled(state, bauplan_emulator)


def test_an_outage_longer_than_the_window_fails_the_task_and_says_so(
    bauplan_emulator: BauplanEmulator, bauplan_project_dir: Path
) -> None:
    bauplan_emulator.script(JobScript(final_state="NEVER"))
    bauplan_emulator.inject_fault("GetJobs", code="UNAVAILABLE", count=10_000)
    state = run_flow(str(bauplan_project_dir), {"transient_error_window": 0.5}, return_state=True)
    assert state.is_failed()
    with pytest.raises(BauplanTransientError, match="kept failing"):
        state.result()
    assert bauplan_emulator.count("CodeSnapshotRun") == 1
    # The job could not even be read to cancel it: the log says how to stop it by hand.
    flow_run_id = state.state_details.flow_run_id
    assert flow_run_id is not None
    job_id = bauplan_emulator.jobs()[0].id
    assert any(f"bauplan job stop {job_id}" in line for line in flow_run_logs(flow_run_id))
