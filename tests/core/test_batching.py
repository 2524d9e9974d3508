"""Batched polling: many async waits share one GetJobs call per instant."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from bauplan_provider.core import BauplanClient, JobStatus, JobWatch, WaitPolicy
from bauplan_provider.testing import BauplanEmulator, JobScript

CAPPED = WaitPolicy(poll_interval=0.3, max_poll_interval=0.3)


@pytest.fixture
def emu() -> Iterator[BauplanEmulator]:
    with BauplanEmulator(default_duration=1.2) as emulator:
        yield emulator


def client_for(emu: BauplanEmulator) -> BauplanClient:
    return BauplanClient(api_key=emu.api_key, api_endpoint=emu.endpoint)


def submit(client: BauplanClient, project: Path, n: int) -> list[str]:
    return [client.submit_run(project) for _ in range(n)]


def test_many_waits_one_call_per_tick(emu: BauplanEmulator, bauplan_project_dir: Path) -> None:
    client = client_for(emu)
    job_ids = submit(client, bauplan_project_dir, 40)
    emu.clear_journal()

    async def main() -> list[JobStatus]:
        jobs = await asyncio.gather(
            *(client.wait_for_job_async(j, policy=CAPPED, batched=True) for j in job_ids)
        )
        return [job.status for job in jobs]

    assert asyncio.run(main()) == [JobStatus.COMPLETE] * 40
    calls = emu.calls("GetJobs")
    # Per-job polling would make >= 40 calls per 0.3 s tick; batching makes one per tick.
    assert 1 <= len(calls) <= 12, len(calls)
    assert max(len(call.fields["job_ids"]) for call in calls) == 40


def test_cancelled_wait_is_no_longer_polled(
    emu: BauplanEmulator, bauplan_project_dir: Path
) -> None:
    client = client_for(emu)
    emu.script(JobScript(final_state="NEVER"))
    keep, drop = submit(client, bauplan_project_dir, 2)

    async def main() -> None:
        kept = asyncio.create_task(client.wait_for_job_async(keep, policy=CAPPED, batched=True))
        dropped = asyncio.create_task(client.wait_for_job_async(drop, policy=CAPPED, batched=True))
        await asyncio.sleep(0.8)
        dropped.cancel()
        await asyncio.sleep(0.1)
        emu.clear_journal()
        await asyncio.sleep(1.0)
        kept.cancel()
        await asyncio.gather(kept, dropped, return_exceptions=True)

    asyncio.run(main())
    later = emu.calls("GetJobs")
    assert later, "the remaining wait kept polling"
    assert all(call.fields["job_ids"] == [keep] for call in later)


def test_fault_on_shared_call_fails_nobody(emu: BauplanEmulator, bauplan_project_dir: Path) -> None:
    client = client_for(emu)
    job_ids = submit(client, bauplan_project_dir, 10)
    emu.inject_fault("GetJobs", code="UNAVAILABLE", count=2)

    async def main() -> list[JobStatus]:
        jobs = await asyncio.gather(
            *(client.wait_for_job_async(j, policy=CAPPED, batched=True) for j in job_ids)
        )
        return [job.status for job in jobs]

    assert asyncio.run(main()) == [JobStatus.COMPLETE] * 10
    assert len(emu.calls("GetJobs", code="UNAVAILABLE")) == 2
    assert emu.count("CodeSnapshotRun") == 10


def test_different_credentials_never_share_a_call(bauplan_project_dir: Path) -> None:
    with (
        BauplanEmulator(api_key="key-a", default_duration=0.8) as emu_a,
        BauplanEmulator(api_key="key-b", default_duration=0.8) as emu_b,
    ):
        client_a, client_b = client_for(emu_a), client_for(emu_b)
        ids_a = submit(client_a, bauplan_project_dir, 3)
        ids_b = submit(client_b, bauplan_project_dir, 3)

        async def main() -> None:
            await asyncio.gather(
                *(client_a.wait_for_job_async(j, policy=CAPPED, batched=True) for j in ids_a),
                *(client_b.wait_for_job_async(j, policy=CAPPED, batched=True) for j in ids_b),
            )

        asyncio.run(main())
        for emu, own in ((emu_a, set(ids_a)), (emu_b, set(ids_b))):
            requested = {i for call in emu.calls("GetJobs") for i in call.fields["job_ids"]}
            assert requested == own
            assert not emu.calls("GetJobs", code="UNAUTHENTICATED")


def test_aligned_sleeps_land_on_a_shared_grid() -> None:
    clock = [1000.37]
    watch = JobWatch(
        "j", WaitPolicy(poll_interval=30, max_poll_interval=30), clock=lambda: clock[0]
    )
    first = watch.next_sleep(aligned=True)
    assert (clock[0] + first) % 30 == pytest.approx(0)
    clock[0] += first + 0.4  # woke up a little late
    second = watch.next_sleep(aligned=True)
    assert second == pytest.approx(30 - 0.4)
