"""BauplanClient end to end: the real ``bauplan`` SDK against the emulator."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bauplan_provider.core import (
    BauplanAuthError,
    BauplanClient,
    BauplanConfigError,
    BauplanDeadlineError,
    BauplanJobCancelledError,
    BauplanJobFailedError,
    BauplanJobNotFoundError,
    BauplanProviderError,
    JobStatus,
    WaitPolicy,
)
from bauplan_provider.testing import BauplanEmulator, JobScript

FAST = WaitPolicy(poll_interval=0.05, max_poll_interval=0.2)
SECRET = "bpln-core-test-DISTINCTIVE-key-7f3a91"


@pytest.fixture
def emu() -> Iterator[BauplanEmulator]:
    with BauplanEmulator(api_key=SECRET, default_duration=0.3) as emulator:
        yield emulator


@pytest.fixture
def client(emu: BauplanEmulator) -> BauplanClient:
    return BauplanClient(api_key=emu.api_key, api_endpoint=emu.endpoint)


def test_run_and_import_complete(
    client: BauplanClient, emu: BauplanEmulator, bauplan_project_dir: Path
) -> None:
    run_id = client.submit_run(
        bauplan_project_dir, ref="main", parameters={"run_date": "2026-12-01"}, priority=5
    )
    import_id = client.submit_import("trips", "s3://bucket/trips/*.parquet", branch="ada.dev")
    assert run_id != import_id
    for job_id in (run_id, import_id):
        job = client.wait_for_job(job_id, policy=FAST)
        assert job.status is JobStatus.COMPLETE
        assert job.finished_at is not None
    assert emu.count("CodeSnapshotRun") == 1
    assert emu.count("TableDataImport") == 1
    logs = client.get_logs(run_id)
    assert logs, "the emulator logs one user line per model"
    assert client.get_jobs([run_id, import_id, "nope"]).keys() == {run_id, import_id}


def test_status_changes_include_waiting_phases(
    client: BauplanClient, emu: BauplanEmulator, bauplan_project_dir: Path
) -> None:
    emu.script(JobScript(final_state="OTHER_THEN_COMPLETE", queue_delay=0.3, duration=0.6))
    seen: list[JobStatus] = []
    job_id = client.submit_run(bauplan_project_dir)
    job = client.wait_for_job(job_id, policy=FAST, on_status_change=lambda j: seen.append(j.status))
    assert job.status is JobStatus.COMPLETE
    assert seen[0] is JobStatus.NOT_STARTED
    assert JobStatus.OTHER in seen
    assert seen[-1] is JobStatus.COMPLETE


def test_failure_carries_message_and_log_tail(
    client: BauplanClient, emu: BauplanEmulator, bauplan_project_dir: Path
) -> None:
    emu.script(
        JobScript(
            final_state="FAIL",
            error_message="model trips_daily raised ZeroDivisionError",
            duration=0.2,
            logs=[("stderr", "ERROR", "Traceback: ZeroDivisionError")],
        )
    )
    job = client.wait_for_job(client.submit_run(bauplan_project_dir), policy=FAST)
    assert job.status is JobStatus.FAIL
    written: list[str] = []
    with pytest.raises(BauplanJobFailedError) as info:
        client.conclude_job(job, written.append)
    text = str(info.value)
    assert "model trips_daily raised ZeroDivisionError" in text
    assert "Traceback: ZeroDivisionError" in text
    assert any("Traceback: ZeroDivisionError" in line for line in written)


def test_external_abort_is_cancelled_never_success(
    client: BauplanClient, emu: BauplanEmulator, bauplan_project_dir: Path
) -> None:
    emu.script(JobScript(final_state="ABORT", duration=0.2))
    job = client.wait_for_job(client.submit_run(bauplan_project_dir), policy=FAST)
    assert job.status is JobStatus.ABORT
    with pytest.raises(BauplanJobCancelledError, match="cancelled in Bauplan"):
        client.conclude_job(job, lambda _: None)


def test_transient_faults_survived_with_one_submission(
    client: BauplanClient, emu: BauplanEmulator, bauplan_project_dir: Path
) -> None:
    job_id = client.submit_run(bauplan_project_dir)
    emu.inject_fault("GetJobs", code="UNAVAILABLE", count=4)
    job = client.wait_for_job(job_id, policy=FAST)
    assert job.status is JobStatus.COMPLETE
    assert len(emu.calls("GetJobs", code="UNAVAILABLE")) == 4
    assert emu.count("CodeSnapshotRun") == 1


def test_wait_survives_the_api_going_away(
    client: BauplanClient, emu: BauplanEmulator, bauplan_project_dir: Path
) -> None:
    emu.script(JobScript(duration=1.0))
    job_id = client.submit_run(bauplan_project_dir)
    emu.stop()

    async def outage_then_back() -> None:
        await asyncio.sleep(1.5)  # several polls hit a closed port
        emu.start()

    async def main() -> JobStatus:
        restart = asyncio.create_task(outage_then_back())
        job = await client.wait_for_job_async(job_id, policy=FAST)
        await restart
        return job.status

    assert asyncio.run(main()) is JobStatus.COMPLETE
    assert emu.count("CodeSnapshotRun") == 1


def test_rejected_key_fails_at_once(emu: BauplanEmulator) -> None:
    bad = BauplanClient(api_key="wrong-key", api_endpoint=emu.endpoint)
    with pytest.raises(BauplanAuthError, match="rejected the API key"):
        bad.wait_for_job("any-job", policy=FAST)
    assert len(emu.calls("GetJobs")) == 1  # no retry loop


def test_no_key_anywhere_is_a_config_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for var in ("BAUPLAN_API_KEY", "BAUPLAN_PROFILE", "BAUPLAN_API_ENDPOINT"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    with pytest.raises(BauplanConfigError, match="BAUPLAN_API_KEY") as info:
        BauplanClient().get_job("x")
    assert info.value.field == "api_key"
    with pytest.raises(BauplanConfigError, match="BAUPLAN_API_KEY"):
        BauplanClient(api_endpoint="http://127.0.0.1:9").get_job("x")


def test_unknown_job(client: BauplanClient) -> None:
    with pytest.raises(BauplanJobNotFoundError):
        client.get_job("does-not-exist")


def test_deadline_without_and_with_cancel(
    client: BauplanClient, emu: BauplanEmulator, bauplan_project_dir: Path
) -> None:
    emu.script(JobScript(final_state="NEVER"))
    left = client.submit_run(bauplan_project_dir)
    with pytest.raises(BauplanDeadlineError, match="left running") as info:
        client.wait_for_job(left, policy=FAST, deadline=time.time() + 0.3)
    assert not info.value.cancelled
    assert not emu.calls("CancelJob")

    cancelled = client.submit_run(bauplan_project_dir)
    with pytest.raises(BauplanDeadlineError, match="cancelled") as info:
        client.wait_for_job(
            cancelled, policy=FAST, deadline=time.time() + 0.3, cancel_on_deadline=True
        )
    assert info.value.cancelled
    assert [entry.job_id for entry in emu.calls("CancelJob")] == [cancelled]
    assert client.get_job(cancelled).status is JobStatus.ABORT


def test_stop_job_reports_what_happened(
    client: BauplanClient, emu: BauplanEmulator, bauplan_project_dir: Path
) -> None:
    emu.script(JobScript(final_state="NEVER"))
    job_id = client.submit_run(bauplan_project_dir)
    outcome = client.stop_job(job_id)
    assert outcome.requested and outcome.confirmed
    assert "Cancelled Bauplan job" in outcome.message
    again = client.stop_job(job_id)
    assert not again.requested
    assert "already ended (ABORT)" in again.message
    assert len(emu.calls("CancelJob")) == 1


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda c, p: c.submit_run(p / "missing"), "project_dir"),
        (lambda c, p: c.submit_run(p / "models.py"), "project_dir"),
        (lambda c, p: c.submit_run(p.parent), "project_dir"),
        (lambda c, p: c.submit_run(p, priority=11), "priority"),
        (lambda c, p: c.submit_run(p, parameters={"run_date": ["x"]}), "parameters"),
        (lambda c, p: c.submit_run(p, parameters={"not_declared": "x"}), "parameters"),
        (lambda c, p: c.submit_import("", "s3://b/x"), "table"),
        (lambda c, p: c.submit_import("t", " "), "search_uri"),
        (lambda c, p: c.submit_import("t", "s3://b/x", priority=0), "priority"),
    ],
)
def test_bad_input_submits_nothing(
    client: BauplanClient,
    emu: BauplanEmulator,
    bauplan_project_dir: Path,
    call: object,
    field: str,
) -> None:
    with pytest.raises(BauplanConfigError) as info:
        call(client, bauplan_project_dir)  # type: ignore[operator]
    assert info.value.field == field
    assert field in str(info.value)
    assert emu.count("CodeSnapshotRun", code=None) == 0
    assert emu.count("TableDataImport", code=None) == 0


def test_get_logs_failure_after_complete_is_a_warning(
    client: BauplanClient,
    emu: BauplanEmulator,
    bauplan_project_dir: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    job = client.wait_for_job(client.submit_run(bauplan_project_dir), policy=FAST)
    emu.inject_fault("GetLogs", code="INTERNAL", count=1)
    with caplog.at_level(logging.WARNING, logger="bauplan_provider"):
        assert client.conclude_job(job, lambda _: None).status is JobStatus.COMPLETE
    assert "Could not fetch the logs" in caplog.text
    assert emu.calls("GetLogs", code="INTERNAL")


def test_secret_never_leaks(
    client: BauplanClient,
    emu: BauplanEmulator,
    bauplan_project_dir: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    texts: list[str] = [repr(client), repr(client.credentials)]
    written: list[str] = []
    emu.script(JobScript(final_state="FAIL", error_message="boom", duration=0.1))
    with caplog.at_level(logging.DEBUG):
        job_id = client.submit_run(bauplan_project_dir)
        emu.inject_fault("GetJobs", code="UNAVAILABLE", count=1)
        job = client.wait_for_job(job_id, policy=FAST)
        for error_call in (
            lambda: client.conclude_job(job, written.append),
            lambda: BauplanClient(api_key=SECRET + "x", api_endpoint=emu.endpoint).info(),
            lambda: client.submit_run(bauplan_project_dir, priority=99),
            lambda: client.get_job("missing"),
        ):
            with pytest.raises(BauplanProviderError) as info:
                error_call()
            texts += [str(info.value), repr(info.value)]
    texts += written + [record.getMessage() for record in caplog.records]
    assert texts
    assert not [text for text in texts if SECRET in text]


def test_two_hundred_async_waits_never_block_the_loop(
    client: BauplanClient, emu: BauplanEmulator, bauplan_project_dir: Path
) -> None:
    emu.script(JobScript(duration=0.5))
    job_ids = [client.submit_run(bauplan_project_dir) for _ in range(200)]
    emu.add_latency("GetJobs", seconds=0.5)
    policy = WaitPolicy(poll_interval=0.2, max_poll_interval=1.0)

    async def main() -> tuple[list[JobStatus], float]:
        worst_gap = 0.0
        stop = asyncio.Event()

        async def heartbeat() -> None:
            nonlocal worst_gap
            last = time.monotonic()
            while not stop.is_set():
                await asyncio.sleep(0.02)
                now = time.monotonic()
                worst_gap = max(worst_gap, now - last - 0.02)
                last = now

        beat = asyncio.create_task(heartbeat())
        jobs = await asyncio.gather(
            *(client.wait_for_job_async(job_id, policy=policy) for job_id in job_ids)
        )
        stop.set()
        await beat
        return [job.status for job in jobs], worst_gap

    statuses, worst_gap = asyncio.run(main())
    assert statuses == [JobStatus.COMPLETE] * 200
    assert worst_gap < 0.25, f"event loop blocked for {worst_gap:.3f} s"


def test_stop_job_never_raises_and_says_when_it_could_not_cancel(
    client: BauplanClient, emu: BauplanEmulator, bauplan_project_dir: Path
) -> None:
    emu.script(JobScript(final_state="NEVER"))
    job_id = client.submit_run(bauplan_project_dir)
    emu.inject_fault("CancelJob", code="PERMISSION_DENIED", count=1)
    outcome = client.stop_job(job_id)
    assert not outcome.requested and not outcome.confirmed
    assert "Could not cancel" in outcome.message and f"bauplan job stop {job_id}" in outcome.message
    assert client.get_job(job_id).status is JobStatus.RUNNING


@pytest.mark.parametrize("batched", [False, True], ids=["per-wait", "batched"])
def test_a_hanging_poll_does_not_hold_the_deadline_back(
    client: BauplanClient, emu: BauplanEmulator, bauplan_project_dir: Path, batched: bool
) -> None:
    emu.script(JobScript(final_state="NEVER"))
    job_id = client.submit_run(bauplan_project_dir)
    emu.add_latency("GetJobs", 60.0, count=1)  # the first poll hangs far past the deadline

    async def wait() -> None:
        await client.wait_for_job_async(
            job_id,
            policy=FAST,
            deadline=time.time() + 0.5,
            cancel_on_deadline=True,
            batched=batched,
        )

    with pytest.raises(BauplanDeadlineError) as info:
        # Liveness, not speed: without the deadline on the poll this waits out the 60 s.
        asyncio.run(asyncio.wait_for(wait(), timeout=30))
    assert info.value.cancelled
    assert [c.job_id for c in emu.calls("CancelJob")] == [job_id]


def test_a_job_that_ended_by_the_deadline_is_its_own_outcome(
    client: BauplanClient, emu: BauplanEmulator, bauplan_project_dir: Path
) -> None:
    """The poll that would have seen it hung; the deadline's cancel finds the job COMPLETE:
    the wait returns it instead of calling it a timeout."""
    emu.script(JobScript(final_state="COMPLETE", duration=0.2))
    job_id = client.submit_run(bauplan_project_dir)
    emu.add_latency("GetJobs", 60.0, count=1)
    job = asyncio.run(
        asyncio.wait_for(
            client.wait_for_job_async(
                job_id, policy=FAST, deadline=time.time() + 0.6, cancel_on_deadline=True
            ),
            timeout=30,
        )
    )
    assert job.status is JobStatus.COMPLETE
    assert emu.count("CancelJob") == 0


def test_the_endpoint_config_file_holds_no_key_and_goes_at_exit(tmp_path: Path) -> None:
    import subprocess
    import sys

    code = (
        "from bauplan_provider.core import BauplanClient;"
        "from bauplan_provider.core._credentials import _config_files;"
        f"c = BauplanClient(api_key={SECRET!r}, api_endpoint='http://127.0.0.1:9');"
        "c.sdk; (path,) = _config_files.values(); print(path);"
        "print(open(path).read())"
    )
    env = {"PATH": "/usr/bin:/bin", "TMPDIR": str(tmp_path), "HOME": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    path, *content = result.stdout.splitlines()
    assert "api_endpoint: 'http://127.0.0.1:9'" in "\n".join(content)
    assert SECRET not in result.stdout
    assert not Path(path).exists()
    assert list(tmp_path.iterdir()) == []
