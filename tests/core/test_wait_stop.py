"""``should_stop`` in core's wait loops: ends a wait early, leaves the job alone."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from bauplan_provider.core import BauplanClient, BauplanWaitStoppedError, JobStatus, WaitPolicy
from bauplan_provider.testing import BauplanEmulator, JobScript

POLICY = WaitPolicy(poll_interval=0.1, max_poll_interval=5.0, backoff=3.0)


@pytest.fixture
def client(bauplan_emulator: BauplanEmulator) -> BauplanClient:
    return BauplanClient()


def _submit_forever(bauplan_emulator: BauplanEmulator, client: BauplanClient, path: Path) -> str:
    bauplan_emulator.script(JobScript(final_state="NEVER"))
    return client.submit_run(path)


def test_sync_stop_raises_and_leaves_job_running(
    bauplan_emulator: BauplanEmulator, client: BauplanClient, bauplan_project_dir: Path
) -> None:
    job_id = _submit_forever(bauplan_emulator, client, bauplan_project_dir)
    stop_at = time.monotonic() + 0.8
    asked: list[float] = []

    def should_stop() -> bool:
        asked.append(time.monotonic())
        return time.monotonic() >= stop_at

    with pytest.raises(BauplanWaitStoppedError) as info:
        client.wait_for_job(
            job_id, policy=POLICY, should_stop=should_stop, stop_check_interval=0.05
        )
    assert info.value.job is not None and info.value.job.status is JobStatus.RUNNING
    assert job_id in str(info.value)
    assert bauplan_emulator.count("CancelJob") == 0
    assert bauplan_emulator.job(job_id).status == "RUNNING"
    # Asked many times between few polls: the poll backoff is unchanged by the check.
    assert len(asked) > bauplan_emulator.count("GetJobs")


def test_sync_never_stopping_check_does_not_change_the_outcome(
    bauplan_emulator: BauplanEmulator, client: BauplanClient, bauplan_project_dir: Path
) -> None:
    bauplan_emulator.script(JobScript(final_state="COMPLETE", duration=0.3))
    job_id = client.submit_run(bauplan_project_dir)
    job = client.wait_for_job(job_id, policy=POLICY, should_stop=lambda: False)
    assert job.status is JobStatus.COMPLETE


def test_async_stop_accepts_async_and_plain_checks(
    bauplan_emulator: BauplanEmulator, client: BauplanClient, bauplan_project_dir: Path
) -> None:
    job_id = _submit_forever(bauplan_emulator, client, bauplan_project_dir)
    stop_at = time.monotonic() + 0.5

    async def async_check() -> bool:
        await asyncio.sleep(0)
        return time.monotonic() >= stop_at

    async def main() -> None:
        with pytest.raises(BauplanWaitStoppedError):
            await client.wait_for_job_async(
                job_id, policy=POLICY, should_stop=async_check, stop_check_interval=0.05
            )
        with pytest.raises(BauplanWaitStoppedError):
            await client.wait_for_job_async(job_id, policy=POLICY, should_stop=lambda: True)

    asyncio.run(main())
    assert bauplan_emulator.count("CancelJob") == 0
