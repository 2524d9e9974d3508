"""Batched polling: many async waits share one GetJobs call per instant."""

from __future__ import annotations

import asyncio
import gc
import logging
import weakref
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from bauplan_provider.core import BauplanClient, Job, JobStatus, JobWatch, WaitPolicy
from bauplan_provider.core._batching import WAKE_CHUNK, poller_for
from bauplan_provider.testing import BauplanEmulator, JobScript, JournalEntry

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


def test_fetch_during_a_call_in_flight_joins_the_next_call(
    emu: BauplanEmulator, bauplan_project_dir: Path
) -> None:
    """A wait that asks while the shared call is out is served by the next call, not later."""
    client = client_for(emu)
    first, second = submit(client, bauplan_project_dir, 2)
    emu.complete_job(first)
    emu.complete_job(second)
    emu.add_latency("GetJobs", 0.6, count=1)
    emu.clear_journal()

    async def main() -> list[JobStatus]:
        early = asyncio.ensure_future(client.wait_for_job_async(first, batched=True))
        await asyncio.sleep(0.3)  # the first shared call is now out, held by the latency
        late = asyncio.ensure_future(client.wait_for_job_async(second, batched=True))
        jobs = await asyncio.wait_for(asyncio.gather(early, late), 10)
        return [job.status for job in jobs]

    assert asyncio.run(main()) == [JobStatus.COMPLETE] * 2
    assert [call.fields["job_ids"] for call in emu.calls("GetJobs")] == [[first], [second]]


class FailingOnceClient(BauplanClient):
    """The core client whose first ``get_jobs`` fails with an error core does not map."""

    failures = 1

    def get_jobs(self, job_ids: Sequence[str]) -> dict[str, Job]:
        if self.failures:
            self.failures -= 1
            raise RuntimeError("unexpected failure in the shared call")
        return super().get_jobs(job_ids)


def test_unexpected_error_in_the_shared_call_is_transient_for_every_waiter(
    emu: BauplanEmulator, bauplan_project_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    client = FailingOnceClient(api_key=emu.api_key, api_endpoint=emu.endpoint)
    job_ids = submit(client, bauplan_project_dir, 5)

    async def main() -> list[JobStatus]:
        jobs = await asyncio.gather(
            *(client.wait_for_job_async(j, policy=CAPPED, batched=True) for j in job_ids)
        )
        return [job.status for job in jobs]

    with caplog.at_level(logging.WARNING, logger="bauplan_provider"):
        assert asyncio.run(main()) == [JobStatus.COMPLETE] * 5
    warnings = [
        r.getMessage() for r in caplog.records if "shared job poll failed" in r.getMessage()
    ]
    assert len(warnings) == 5  # one per waiter, none of them failed


def test_a_large_batch_is_paged_at_the_api_limit(emu: BauplanEmulator) -> None:
    job_ids = [emu.create_job(script=JobScript(final_state="NEVER")).id for _ in range(600)]
    client = client_for(emu)
    # Ticks far longer than a 600-job call: every wait stays on the same grid point.
    policy = WaitPolicy(poll_interval=1.0, max_poll_interval=1.0)

    async def main() -> tuple[list[JournalEntry], list[JobStatus]]:
        waits = [
            asyncio.ensure_future(client.wait_for_job_async(j, policy=policy, batched=True))
            for j in job_ids
        ]
        while emu.count("GetJobs") < 4:
            await asyncio.sleep(0.05)
        calls = emu.calls("GetJobs")
        for job_id in job_ids:
            emu.complete_job(job_id)
        return calls, [job.status for job in await asyncio.gather(*waits)]

    calls, statuses = asyncio.run(main())
    assert statuses == [JobStatus.COMPLETE] * 600
    assert all(len(call.fields["job_ids"]) == 600 for call in calls)
    # One shared call is one request per page of at most 500 records (the emulator's cap).
    assert [call.fields["returned"] for call in calls[:4]] == [500, 100] * 2


def test_a_finished_event_loop_is_not_kept_alive_by_its_poller(
    emu: BauplanEmulator, bauplan_project_dir: Path
) -> None:
    client = client_for(emu)
    (job_id,) = submit(client, bauplan_project_dir, 1)
    loop = asyncio.new_event_loop()
    loop.run_until_complete(client.wait_for_job_async(job_id, policy=CAPPED, batched=True))
    loop.close()
    collected = weakref.ref(loop)
    del loop
    gc.collect()
    assert collected() is None


def test_waiters_are_woken_in_chunks_so_the_loop_keeps_turning(emu: BauplanEmulator) -> None:
    """One shared call's answer does not wake 200 waiters in one loop iteration."""
    job_ids = [emu.create_job().id for _ in range(200)]
    for job_id in job_ids:
        emu.complete_job(job_id)
    client = client_for(emu)

    async def main() -> list[str]:
        order: list[str] = []
        poller = poller_for(client)

        async def wait(job_id: str) -> None:
            await poller.fetch(job_id)
            order.append("waiter")

        async def other_work() -> None:
            while order.count("waiter") < len(job_ids):
                order.append("other")
                await asyncio.sleep(0)

        await asyncio.gather(other_work(), *(wait(j) for j in job_ids))
        return order

    order = asyncio.run(main())
    first, last = order.index("waiter"), len(order) - order[::-1].index("waiter")
    turns_between = order[first:last].count("other")
    assert turns_between >= len(job_ids) // WAKE_CHUNK - 1
    assert emu.count("GetJobs") == 1
