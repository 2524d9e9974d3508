"""BauplanJobTrigger on its own: serialization, events, on_kill, restarts (real SDK, emulator)."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from airflow_support import SECRET_KEY, when

from bauplan_provider.airflow import BauplanJobTrigger
from bauplan_provider.airflow.events import JobEvent
from bauplan_provider.testing import JobScript

CLASSPATH = "bauplan_provider.airflow.triggers.BauplanJobTrigger"


def _submit(emulator: Any, script: JobScript) -> str:
    return str(emulator.create_job(script=script).id)


async def _first_event(trigger: BauplanJobTrigger) -> dict[str, Any]:
    async for event in trigger.run():
        return dict(event.payload)
    raise AssertionError("the trigger yielded no event")


def _run(trigger: BauplanJobTrigger, timeout: float = 20.0) -> dict[str, Any]:
    return asyncio.run(asyncio.wait_for(_first_event(trigger), timeout))


def test_serialize_is_exact_and_round_trips() -> None:
    trigger = BauplanJobTrigger(
        job_id="job-1",
        bauplan_conn_id="my_conn",
        poll_interval=0.5,
        max_poll_interval=7,
        deadline=1_900_000_000.25,
        cancel_on_timeout=False,
        cancel_on_kill=True,
        transient_error_window=42,
        batched_polling=False,
        resume_not_before=1_800_000_000.5,
    )
    classpath, kwargs = trigger.serialize()
    assert classpath == CLASSPATH
    assert kwargs == {
        "job_id": "job-1",
        "bauplan_conn_id": "my_conn",
        "poll_interval": 0.5,
        "max_poll_interval": 7.0,
        "deadline": 1_900_000_000.25,
        "cancel_on_timeout": False,
        "cancel_on_kill": True,
        "transient_error_window": 42.0,
        "batched_polling": False,
        "resume_not_before": 1_800_000_000.5,
    }
    again = BauplanJobTrigger(**kwargs)
    assert again.serialize() == (classpath, kwargs)


def test_rows_stored_by_an_earlier_release_still_deserialize() -> None:
    """A trigger row written before ``batched_polling`` / ``resume_not_before`` existed
    rebuilds with the defaults."""
    _, kwargs = BauplanJobTrigger(job_id="job-1").serialize()
    del kwargs["batched_polling"], kwargs["resume_not_before"]
    again = BauplanJobTrigger(**kwargs)
    assert (again.batched_polling, again.resume_not_before) == (True, None)


def test_serialized_form_survives_airflow_serde_without_secrets(emulator: Any) -> None:
    """What Airflow stores in the trigger table: the classpath and plain data, no key."""
    from airflow.sdk.serde import deserialize, serialize

    classpath, kwargs = BauplanJobTrigger(job_id="job-2").serialize()
    stored = serialize(kwargs)
    assert deserialize(stored) == kwargs
    assert emulator.api_key not in repr(stored)
    assert classpath == CLASSPATH


def test_success_event_logs_status_changes(emulator: Any, capfd: Any) -> None:
    job_id = _submit(emulator, JobScript(final_state="NEVER"))
    # Completed only once a poll has seen it RUNNING, however slow the machine is.
    when(
        lambda: any(job_id in (e.fields.get("job_ids") or []) for e in emulator.calls("GetJobs")),
        lambda: emulator.complete_job(job_id),
    )
    payload = _run(BauplanJobTrigger(job_id=job_id, poll_interval=0.1, max_poll_interval=0.2))
    event = JobEvent.from_payload(payload, expected_job_id=job_id)
    assert event.status == "success"
    assert event.job is not None and event.job["status"] == "COMPLETE"
    out = capfd.readouterr().out
    assert f"Bauplan job {job_id} is RUNNING" in out
    assert f"Bauplan job {job_id} is COMPLETE" in out
    assert emulator.count("CancelJob") == 0


@pytest.mark.parametrize(("final_state", "status"), [("FAIL", "failed"), ("ABORT", "cancelled")])
def test_terminal_failures_become_events(emulator: Any, final_state: str, status: str) -> None:
    job_id = _submit(
        emulator, JobScript(final_state=final_state, duration=0.3, error_message="boom: bad row")
    )
    payload = _run(BauplanJobTrigger(job_id=job_id, poll_interval=0.1, max_poll_interval=0.2))
    event = JobEvent.from_payload(payload, expected_job_id=job_id)
    assert event.status == status
    assert event.job is not None and event.job["status"] == final_state
    if final_state == "FAIL":
        assert event.job["error_message"] == "boom: bad row"


def test_deadline_cancels_the_job(emulator: Any) -> None:
    job_id = _submit(emulator, JobScript(final_state="NEVER"))
    payload = _run(
        BauplanJobTrigger(
            job_id=job_id, poll_interval=0.1, max_poll_interval=0.2, deadline=time.time() + 0.8
        )
    )
    event = JobEvent.from_payload(payload)
    assert event.status == "timeout"
    assert event.cancelled is True
    assert "cancelled" in event.message
    assert [e.job_id for e in emulator.calls("CancelJob")] == [job_id]
    assert emulator.job(job_id).status == "ABORT"


def test_deadline_already_passed_on_restart_still_polls_once_then_cancels(emulator: Any) -> None:
    """A restarted triggerer gets the absolute deadline back: it is not extended."""
    job_id = _submit(emulator, JobScript(final_state="NEVER"))
    payload = _run(BauplanJobTrigger(job_id=job_id, deadline=time.time() - 5))
    assert payload["status"] == "timeout"
    assert emulator.count("CancelJob") == 1


def test_deadline_without_cancel_leaves_job_running(emulator: Any) -> None:
    job_id = _submit(emulator, JobScript(final_state="NEVER"))
    payload = _run(
        BauplanJobTrigger(
            job_id=job_id,
            poll_interval=0.1,
            deadline=time.time() + 0.3,
            cancel_on_timeout=False,
        )
    )
    assert payload["status"] == "timeout"
    assert payload["cancelled"] is False
    assert emulator.count("CancelJob") == 0
    assert emulator.job(job_id).status == "RUNNING"


def test_transient_errors_are_survived(emulator: Any, capfd: Any) -> None:
    job_id = _submit(emulator, JobScript(final_state="COMPLETE", duration=0.5))
    emulator.inject_fault("GetJobs", code="UNAVAILABLE", count=3)
    payload = _run(BauplanJobTrigger(job_id=job_id, poll_interval=0.05, max_poll_interval=0.1))
    assert payload["status"] == "success"
    assert emulator.count("GetJobs", code="UNAVAILABLE") == 3
    assert "Transient Bauplan API error" in capfd.readouterr().out


def test_permanent_error_is_an_error_event(emulator: Any) -> None:
    payload = _run(BauplanJobTrigger(job_id="no-such-job", poll_interval=0.1))
    assert payload["status"] == "error"
    assert "not found" in payload["message"].lower()


def test_rejected_key_is_an_error_event_without_the_key(
    emulator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from airflow_support import CONN_ENV, connection_json

    job_id = _submit(emulator, JobScript(final_state="NEVER"))
    monkeypatch.setenv(CONN_ENV, connection_json(emulator.endpoint, SECRET_KEY))
    payload = _run(BauplanJobTrigger(job_id=job_id, poll_interval=0.1))
    assert payload["status"] == "error"
    assert "rejected the API key" in payload["message"]
    assert SECRET_KEY not in repr(payload)


def test_missing_explicit_connection_is_an_error_event(emulator: Any) -> None:
    payload = _run(BauplanJobTrigger(job_id="x", bauplan_conn_id="does_not_exist"))
    assert payload["status"] == "error"
    assert "does_not_exist" in payload["message"]


async def _run_then_cancel(trigger: BauplanJobTrigger, after: float, user_action: bool) -> None:
    """Mimic the triggerer: cancel the run task (with Airflow's user-action message, which
    makes it call on_kill) or plainly (a triggerer shutting down)."""
    from airflow.jobs.triggerer_job_runner import _USER_ACTION_CANCEL_MSG

    task = asyncio.ensure_future(_first_event(trigger))
    await asyncio.sleep(after)
    task.cancel(_USER_ACTION_CANCEL_MSG if user_action else None)
    with pytest.raises(asyncio.CancelledError):
        await task
    if user_action:
        await trigger.on_kill()
    await trigger.cleanup()


def test_on_kill_cancels_the_job(emulator: Any) -> None:
    job_id = _submit(emulator, JobScript(final_state="NEVER"))
    trigger = BauplanJobTrigger(job_id=job_id, poll_interval=0.1)
    asyncio.run(_run_then_cancel(trigger, after=0.5, user_action=True))
    assert [e.job_id for e in emulator.calls("CancelJob")] == [job_id]
    assert emulator.job(job_id).status == "ABORT"


def test_on_kill_respects_cancel_on_kill_false(emulator: Any) -> None:
    job_id = _submit(emulator, JobScript(final_state="NEVER"))
    trigger = BauplanJobTrigger(job_id=job_id, poll_interval=0.1, cancel_on_kill=False)
    asyncio.run(_run_then_cancel(trigger, after=0.3, user_action=True))
    assert emulator.count("CancelJob") == 0


def test_restart_cancellation_does_not_cancel_and_a_new_trigger_resumes(emulator: Any) -> None:
    job_id = _submit(emulator, JobScript(final_state="COMPLETE", duration=1.5))
    first = BauplanJobTrigger(job_id=job_id, poll_interval=0.1)
    asyncio.run(_run_then_cancel(first, after=0.4, user_action=False))
    assert emulator.count("CancelJob") == 0
    assert emulator.job(job_id).status == "RUNNING"
    # The next triggerer rebuilds the trigger from its serialized kwargs and resumes.
    _, kwargs = first.serialize()
    payload = _run(BauplanJobTrigger(**kwargs))
    assert payload["status"] == "success"
    assert emulator.count("CancelJob") == 0


def test_on_kill_after_the_event_fired_does_nothing(emulator: Any) -> None:
    job_id = _submit(emulator, JobScript(final_state="COMPLETE", duration=0.2))
    trigger = BauplanJobTrigger(job_id=job_id, poll_interval=0.1)

    async def scenario() -> None:
        await _first_event(trigger)
        await trigger.on_kill()

    asyncio.run(scenario())
    assert emulator.count("CancelJob") == 0


def test_an_event_ready_right_after_the_deferral_waits_for_resume_not_before(
    emulator: Any,
) -> None:
    """Airflow 3.3 fails a task that resumes before its deferral is registered: the event of
    a job that ended at once is held until ``resume_not_before``, and only then fired."""
    job_id = _submit(emulator, JobScript(final_state="COMPLETE", duration=0.1))
    not_before = time.time() + 1.5
    trigger = BauplanJobTrigger(job_id=job_id, poll_interval=0.1, resume_not_before=not_before)
    payload = _run(trigger)
    assert payload["status"] == "success"
    assert time.time() >= not_before  # an ordering guarantee, not a speed figure
    finished_at = emulator.job(job_id).finished_at
    assert finished_at is not None and finished_at < not_before


def test_operators_hold_for_the_configured_delay(
    emulator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bauplan_provider.airflow.triggers import RESUME_DELAY_SECONDS, resume_not_before

    monkeypatch.delenv("AIRFLOW__BAUPLAN__RESUME_DELAY_SECONDS", raising=False)
    before = time.time()
    assert resume_not_before() >= before + RESUME_DELAY_SECONDS
    monkeypatch.setenv("AIRFLOW__BAUPLAN__RESUME_DELAY_SECONDS", "0")
    assert resume_not_before() <= time.time()
