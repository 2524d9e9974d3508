"""The building blocks: submit + wait tasks, job lookups, cancel, and the JobBlocks."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from prefect import flow
from prefect_helpers import flow_run_artifacts, flow_run_logs

from bauplan_provider.core import (
    BauplanConfigError,
    BauplanJobFailedError,
    CancelOutcome,
    Job,
    JobStatus,
    LogLine,
)
from bauplan_provider.prefect import (
    BauplanCredentials,
    BauplanImport,
    BauplanJobResult,
    BauplanRun,
    await_for_bauplan_job,
    cancel_bauplan_job,
    get_bauplan_job,
    get_bauplan_job_logs,
    submit_bauplan_import,
    submit_bauplan_run,
    wait_for_bauplan_job,
)
from bauplan_provider.testing import BauplanEmulator, JobScript

pytestmark = pytest.mark.bauplan_emulator(default_duration=0.3)

FAST: dict[str, Any] = {"poll_interval": 0.1, "max_poll_interval": 0.3}


def _credentials(emulator: BauplanEmulator) -> BauplanCredentials:
    return BauplanCredentials(api_key=emulator.api_key, api_endpoint=emulator.endpoint)


def test_submit_then_wait_then_read_the_job_and_its_logs(
    bauplan_emulator: BauplanEmulator, bauplan_project_dir: Path
) -> None:
    @flow
    def pieces() -> tuple[str, Job, BauplanJobResult, list[LogLine]]:
        job_id = submit_bauplan_run(str(bauplan_project_dir), ref="main")
        first = get_bauplan_job(job_id)
        result = wait_for_bauplan_job(job_id, **FAST)
        return job_id, first, result, get_bauplan_job_logs(job_id)

    state = pieces(return_state=True)
    assert state.is_completed(), state.message
    job_id, first, result, logs = state.result()
    assert first.id == job_id and not first.is_terminal
    assert result.job.status is JobStatus.COMPLETE
    assert LogLine("stdout", "INFO", "Running model trips_clean.") in logs
    assert bauplan_emulator.count("CodeSnapshotRun") == 1
    flow_run_id = state.state_details.flow_run_id
    assert flow_run_id is not None
    assert "[stdout] INFO: Running model trips_clean." in flow_run_logs(flow_run_id)
    assert [a.key for a in flow_run_artifacts(flow_run_id)] == [f"bauplan-job-{job_id.lower()}"]


def test_a_retried_wait_waits_again_and_never_submits(
    bauplan_emulator: BauplanEmulator, bauplan_project_dir: Path
) -> None:
    bauplan_emulator.script(JobScript(final_state="FAIL", error_message="broken model"))

    @flow
    def wait_with_retries() -> BauplanJobResult:
        job_id = submit_bauplan_run(str(bauplan_project_dir))
        return wait_for_bauplan_job.with_options(retries=2, retry_delay_seconds=0)(job_id, **FAST)

    state = wait_with_retries(return_state=True)
    assert state.is_failed()
    with pytest.raises(BauplanJobFailedError, match="broken model"):
        state.result()
    assert bauplan_emulator.count("CodeSnapshotRun") == 1
    assert bauplan_emulator.count("GetLogs") == 3  # one log pull per try


def test_async_wait_and_import_pieces(bauplan_emulator: BauplanEmulator) -> None:
    @flow
    async def async_pieces() -> BauplanJobResult:
        job_id = submit_bauplan_import("trips", "s3://bucket/trips/*.parquet", branch="main")
        return await await_for_bauplan_job(job_id, **FAST)

    state = asyncio.run(async_pieces(return_state=True))
    assert state.is_completed(), state.message
    assert state.result().job.kind == "TableImport"
    assert bauplan_emulator.count("TableDataImport") == 1


def test_cancel_bauplan_job_confirms_the_abort(
    bauplan_emulator: BauplanEmulator, bauplan_project_dir: Path
) -> None:
    bauplan_emulator.script(JobScript(final_state="NEVER"))

    @flow
    def cancel_it() -> tuple[CancelOutcome, CancelOutcome]:
        job_id = submit_bauplan_run(str(bauplan_project_dir))
        first = cancel_bauplan_job(job_id)
        return first, cancel_bauplan_job(job_id)

    state = cancel_it(return_state=True)
    assert state.is_completed(), state.message
    first, again = state.result()
    assert first.requested and first.confirmed
    assert first.job is not None and first.job.status is JobStatus.ABORT
    assert not again.requested and "already ended" in again.message
    assert bauplan_emulator.count("CancelJob") == 1


def test_bad_job_ids_fail_before_any_call(bauplan_emulator: BauplanEmulator) -> None:
    @flow
    def bad() -> Any:
        return get_bauplan_job("  ")

    with pytest.raises(BauplanConfigError) as info:
        bad()
    assert info.value.field == "job_id"
    assert bauplan_emulator.count() == 0


# ----- job blocks -------------------------------------------------------------------------


def test_saved_run_block_triggers_waits_and_returns_the_result(
    bauplan_emulator: BauplanEmulator, bauplan_project_dir: Path
) -> None:
    BauplanRun(
        project_dir=str(bauplan_project_dir),
        ref="main",
        parameters={"run_date": "2026-12-01"},
        credentials=_credentials(bauplan_emulator),
        **FAST,
    ).save("taxi-daily-test", overwrite=True)

    @flow
    def from_block() -> BauplanJobResult:
        run = BauplanRun.load("taxi-daily-test").trigger()
        run.wait_for_completion()
        return run.fetch_result()

    state = from_block(return_state=True)
    assert state.is_completed(), state.message
    result = state.result()
    assert result.job.status is JobStatus.COMPLETE and result.ref == "main"
    (submission,) = bauplan_emulator.calls("CodeSnapshotRun")
    assert submission.fields["parameters"]["run_date"] == "2026-12-01"
    flow_run_id = state.state_details.flow_run_id
    assert flow_run_id is not None
    assert "[stdout] INFO: Running model trips_daily." in flow_run_logs(flow_run_id)


def test_import_block_in_an_async_flow_raises_on_fail(bauplan_emulator: BauplanEmulator) -> None:
    bauplan_emulator.script(JobScript(final_state="FAIL", error_message="bad parquet"))
    block = BauplanImport(
        table="trips",
        search_uri="s3://bucket/trips/*.parquet",
        credentials=_credentials(bauplan_emulator),
        **FAST,
    )

    @flow
    async def async_block() -> None:
        run = await block.trigger()
        await run.wait_for_completion()

    state = asyncio.run(async_block(return_state=True))
    assert state.is_failed()
    with pytest.raises(BauplanJobFailedError, match="bad parquet"):
        state.result()
    assert bauplan_emulator.count("TableDataImport") == 1


def test_job_block_timeout_cancels_the_job(
    bauplan_emulator: BauplanEmulator, bauplan_project_dir: Path
) -> None:
    bauplan_emulator.script(JobScript(final_state="NEVER"))
    block = BauplanRun(
        project_dir=str(bauplan_project_dir),
        timeout_seconds=0.5,
        credentials=_credentials(bauplan_emulator),
        **FAST,
    )

    @flow
    def timed() -> None:
        block.trigger().wait_for_completion()

    state = timed(return_state=True)
    assert state.is_failed()
    job_id = bauplan_emulator.jobs()[0].id
    assert [c.job_id for c in bauplan_emulator.calls("CancelJob")] == [job_id]
    assert bauplan_emulator.job(job_id).status == "ABORT"
