"""Batched polling through the real BauplanJobTrigger: many ``run()`` coroutines, one loop.

Every trigger here polls with ``poll_interval == max_poll_interval`` so that each wait sits
on the shared wall-clock grid from its second poll on. Jobs never end on their own
(``final_state="NEVER"``) unless a test says so; the test ends them once it has looked at
the journal, so what is asserted is who was polled in which request, never how fast.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable
from typing import Any

import pytest
from airflow_support import connection_json

from bauplan_provider.airflow import BauplanJobTrigger
from bauplan_provider.testing import BauplanEmulator, JobScript

TICK = 1.0
FOREVER = JobScript(final_state="NEVER")


def make_trigger(job_id: str, *, batched: bool = True, **kwargs: Any) -> BauplanJobTrigger:
    kwargs.setdefault("poll_interval", TICK)
    kwargs.setdefault("max_poll_interval", kwargs["poll_interval"])
    return BauplanJobTrigger(job_id=job_id, batched_polling=batched, **kwargs)


async def first_event(trigger: BauplanJobTrigger) -> dict[str, Any]:
    async for event in trigger.run():
        return dict(event.payload)
    raise AssertionError("the trigger yielded no event")


def start(triggers: Iterable[BauplanJobTrigger]) -> list[asyncio.Task[dict[str, Any]]]:
    return [asyncio.ensure_future(first_event(trigger)) for trigger in triggers]


async def until(condition: Callable[[], bool], what: str, timeout: float = 30.0) -> None:
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise AssertionError(f"gave up waiting until {what}")
        await asyncio.sleep(0.02)


def requests(emulator: BauplanEmulator, code: str | None = None) -> list[set[str]]:
    """The job ids asked for by each GetJobs request, in arrival order."""
    return [set(call.fields["job_ids"]) for call in emulator.calls("GetJobs", code=code)]


def one_request_asked_for(emulator: BauplanEmulator, ids: Iterable[str]) -> Callable[[], bool]:
    wanted = set(ids)
    return lambda: any(asked == wanted for asked in requests(emulator))


def create_jobs(emulator: BauplanEmulator, n: int, script: JobScript = FOREVER) -> list[str]:
    return [str(emulator.create_job(script=script).id) for _ in range(n)]


async def finish(
    emulator: BauplanEmulator, tasks: list[asyncio.Task[dict[str, Any]]], ids: Iterable[str]
) -> list[dict[str, Any]]:
    for job_id in ids:
        emulator.complete_job(job_id)
    return await asyncio.wait_for(asyncio.gather(*tasks), 30)


async def cancel(task: asyncio.Task[Any]) -> None:
    """Cancel a trigger's task the way a stopping triggerer does (no user action: no on_kill)."""
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


@pytest.mark.parametrize("batched", [True, False], ids=["batched", "per-trigger"])
def test_many_triggers_share_one_getjobs_per_tick(emulator: Any, batched: bool) -> None:
    n = 40
    ids = create_jobs(emulator, n)

    async def scenario() -> tuple[list[set[str]], list[dict[str, Any]]]:
        tasks = start(make_trigger(job_id, batched=batched) for job_id in ids)
        if batched:
            await until(one_request_asked_for(emulator, ids), "one request asked for every job")
        else:
            await until(
                lambda: set().union(*requests(emulator)) >= set(ids), "every trigger polled"
            )
        emulator.clear_journal()
        await asyncio.sleep(3.5 * TICK)
        steady = requests(emulator)
        return steady, await finish(emulator, tasks, ids)

    steady, events = asyncio.run(scenario())
    assert [event["status"] for event in events] == ["success"] * n
    assert set().union(*steady) == set(ids)
    if batched:
        # One request per tick, each asking for every job (a straggler would ask alone).
        assert 1 <= len(steady) <= 5, len(steady)
        assert all(asked == set(ids) for asked in steady)
    else:
        assert all(len(asked) == 1 for asked in steady)
        assert len(steady) >= n


def test_cancelled_trigger_stops_being_polled(emulator: Any) -> None:
    keep, drop = create_jobs(emulator, 2)

    async def scenario() -> tuple[list[set[str]], dict[str, Any]]:
        kept, dropped = start([make_trigger(keep), make_trigger(drop)])
        await until(one_request_asked_for(emulator, [keep, drop]), "both jobs shared a request")
        await cancel(dropped)
        emulator.clear_journal()
        await asyncio.sleep(2.5 * TICK)
        later = requests(emulator)
        (event,) = await finish(emulator, [kept], [keep])
        return later, event

    later, event = asyncio.run(scenario())
    assert later, "the remaining trigger kept polling"
    assert all(asked == {keep} for asked in later)
    assert event["status"] == "success"
    assert emulator.count("CancelJob") == 0
    assert emulator.job(drop).status == "RUNNING"


def test_transient_fault_on_the_shared_call_fails_no_trigger(emulator: Any, capfd: Any) -> None:
    ids = create_jobs(emulator, 10)

    async def scenario() -> tuple[bool, list[dict[str, Any]]]:
        tasks = start(make_trigger(job_id) for job_id in ids)
        await until(one_request_asked_for(emulator, ids), "one request asked for every job")
        emulator.inject_fault("GetJobs", code="UNAVAILABLE", count=2)
        await until(
            lambda: (
                emulator.count("GetJobs", code="UNAVAILABLE") == 2
                and emulator.calls("GetJobs")[-1].ok
            ),
            "two failed shared calls and a good one after them",
        )
        any_done = any(task.done() for task in tasks)
        return any_done, await finish(emulator, tasks, ids)

    any_done, events = asyncio.run(scenario())
    assert not any_done, "a trigger fired an event during the outage"
    assert [event["status"] for event in events] == ["success"] * 10
    assert requests(emulator, code="UNAVAILABLE") == [set(ids)] * 2
    assert "Transient Bauplan API error" in capfd.readouterr().out


def test_connections_with_different_credentials_never_share_a_call(
    emulator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Same key and endpoint under two conn ids share; another key or endpoint never does."""
    with BauplanEmulator(api_key="key-b") as other:
        monkeypatch.setenv(
            "AIRFLOW_CONN_BAUPLAN_A2", connection_json(emulator.endpoint, emulator.api_key)
        )
        monkeypatch.setenv("AIRFLOW_CONN_BAUPLAN_B", connection_json(other.endpoint, "key-b"))
        monkeypatch.setenv(
            "AIRFLOW_CONN_BAUPLAN_WRONG_KEY", connection_json(emulator.endpoint, "key-c")
        )
        ending = JobScript(duration=4 * TICK)
        ids_a, ids_a2 = create_jobs(emulator, 3, ending), create_jobs(emulator, 2, ending)
        ids_b = create_jobs(other, 3, ending)
        (id_wrong,) = create_jobs(emulator, 1, ending)
        plan = [
            *((job_id, "bauplan_default") for job_id in ids_a),
            *((job_id, "bauplan_a2") for job_id in ids_a2),
            *((job_id, "bauplan_b") for job_id in ids_b),
            (id_wrong, "bauplan_wrong_key"),
        ]

        async def scenario() -> list[dict[str, Any]]:
            tasks = start(make_trigger(job_id, bauplan_conn_id=conn) for job_id, conn in plan)
            return await asyncio.wait_for(asyncio.gather(*tasks), 30)

        events = asyncio.run(scenario())
        by_job = {event["job_id"]: event for event in events}
        assert {by_job[j]["status"] for j in ids_a + ids_a2 + ids_b} == {"success"}
        assert by_job[id_wrong]["status"] == "error"
        assert "rejected the API key" in by_job[id_wrong]["message"]

        accepted = requests(emulator, code="OK")
        assert set().union(*accepted) == set(ids_a + ids_a2)
        assert set(ids_a + ids_a2) in accepted, "one connection's jobs shared a request"
        assert requests(emulator, code="UNAUTHENTICATED") == [{id_wrong}]
        assert set().union(*requests(other)) == set(ids_b)
        assert other.count("GetJobs", code="error") == 0


def test_triggers_rebuilt_after_a_restart_rejoin_the_shared_poller(emulator: Any) -> None:
    ids = create_jobs(emulator, 4)
    before = [make_trigger(job_id) for job_id in ids]

    async def first_triggerer() -> None:
        tasks = start(before)
        await until(one_request_asked_for(emulator, ids), "one request asked for every job")
        for task in tasks:
            await cancel(task)

    asyncio.run(first_triggerer())
    assert emulator.count("CancelJob") == 0
    (late,) = create_jobs(emulator, 1)
    all_ids = [*ids, late]

    async def next_triggerer() -> tuple[list[set[str]], list[dict[str, Any]]]:
        rebuilt = [BauplanJobTrigger(**trigger.serialize()[1]) for trigger in before]
        tasks = start([*rebuilt, make_trigger(late)])
        await until(one_request_asked_for(emulator, all_ids), "the rebuilt triggers shared")
        emulator.clear_journal()
        await asyncio.sleep(2.5 * TICK)
        steady = requests(emulator)
        return steady, await finish(emulator, tasks, all_ids)

    steady, events = asyncio.run(next_triggerer())
    assert steady and all(asked == set(all_ids) for asked in steady)
    assert [event["status"] for event in events] == ["success"] * 5
    assert emulator.count("CancelJob") == 0


def test_deadlines_and_poll_intervals_hold_per_trigger(emulator: Any) -> None:
    timed, fast, slow = create_jobs(emulator, 3)
    fast_interval = TICK / 4
    cancelled: list[str | None] = []

    async def scenario() -> tuple[dict[str, Any], list[set[str]], float, list[dict[str, Any]]]:
        (timed_task,) = start([make_trigger(timed, deadline=time.time() + 1.5 * TICK)])
        others = start([make_trigger(fast, poll_interval=fast_interval), make_trigger(slow)])
        timeout_event = await asyncio.wait_for(timed_task, 30)
        assert not any(task.done() for task in others)
        cancelled.extend(call.job_id for call in emulator.calls("CancelJob"))
        emulator.clear_journal()
        cleared = time.monotonic()
        await asyncio.sleep(3 * TICK)
        window = requests(emulator)
        elapsed = time.monotonic() - cleared
        return timeout_event, window, elapsed, await finish(emulator, others, [fast, slow])

    timeout_event, window, elapsed, events = asyncio.run(scenario())
    assert timeout_event["status"] == "timeout"
    assert timeout_event["cancelled"] is True
    assert cancelled == [timed]
    assert emulator.job(timed).status == "ABORT"
    assert [event["status"] for event in events] == ["success", "success"]
    slow_polls = sum(1 for asked in window if slow in asked)
    fast_polls = sum(1 for asked in window if fast in asked)
    # Sharing a call never makes a trigger poll more often than its own interval allows.
    assert slow_polls <= elapsed / TICK + 1
    assert fast_polls > slow_polls
    assert all(timed not in asked for asked in window)
