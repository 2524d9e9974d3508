"""Timeouts and kills: every exit path cancels the Bauplan job and says so."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from airflow_support import TRIGGER_INLINE, ti_state, when

from bauplan_provider.testing import JobScript


def _body(project: Path, options: str) -> str:
    return (
        f'BauplanRunOperator(task_id="run", project_dir={str(project)!r}, '
        f"poll_interval=0.2, max_poll_interval=0.3, {options})\n"
    )


@pytest.mark.parametrize("deferrable", [True, False], ids=["deferred", "worker"])
def test_timeout_cancels_the_job_and_fails_the_task(
    emulator: Any, dags: Any, bauplan_project_dir: Path, capfd: Any, deferrable: bool
) -> None:
    emulator.script(JobScript(final_state="NEVER"))
    dr = dags.run(_body(bauplan_project_dir, f"timeout=1.5, deferrable={deferrable}"))
    out = capfd.readouterr().out

    assert ti_state(dr, "run") == "failed"
    job_id = emulator.calls("CodeSnapshotRun")[0].job_id
    assert [e.job_id for e in emulator.calls("CancelJob")] == [job_id]
    assert emulator.job(job_id).status == "ABORT"
    assert "BauplanDeadlineError" in out
    assert f"Timed out waiting for Bauplan job {job_id}" in out
    assert "it was cancelled" in out
    assert "limit: timeout=1.5s" in out
    assert (TRIGGER_INLINE in out) is deferrable


def test_timedelta_timeout_is_accepted(
    emulator: Any, dags: Any, bauplan_project_dir: Path, capfd: Any
) -> None:
    emulator.script(JobScript(final_state="NEVER"))
    dags_body = "import datetime as _dt\n" + _body(
        bauplan_project_dir, "timeout=_dt.timedelta(seconds=1)"
    )
    dr = dags.run(dags_body)
    capfd.readouterr()
    assert ti_state(dr, "run") == "failed"
    assert emulator.count("CancelJob") == 1


def test_execution_timeout_is_enforced_while_deferred(
    emulator: Any, dags: Any, bauplan_project_dir: Path, capfd: Any
) -> None:
    """Airflow does not enforce execution_timeout while a task is deferred; we do."""
    emulator.script(JobScript(final_state="NEVER"))
    body = "import datetime as _dt\n" + _body(
        bauplan_project_dir, "execution_timeout=_dt.timedelta(seconds=1.5)"
    )
    dr = dags.run(body)
    out = capfd.readouterr().out

    assert ti_state(dr, "run") == "failed"
    assert emulator.count("CancelJob") == 1
    assert TRIGGER_INLINE in out
    assert "limit: execution_timeout=1.5s" in out


def test_execution_timeout_in_the_worker_kills_and_cancels(
    emulator: Any, dags: Any, bauplan_project_dir: Path, capfd: Any
) -> None:
    """The worker path: Airflow's timeout interrupts the wait and calls on_kill."""
    emulator.script(JobScript(final_state="NEVER"))
    body = "import datetime as _dt\n" + _body(
        bauplan_project_dir, "deferrable=False, execution_timeout=_dt.timedelta(seconds=1.5)"
    )
    dr = dags.run(body)
    out = capfd.readouterr().out

    assert ti_state(dr, "run") == "failed"
    job_id = emulator.calls("CodeSnapshotRun")[0].job_id
    assert [e.job_id for e in emulator.calls("CancelJob")] == [job_id]
    assert "Task is being killed: cancelling Bauplan job" in out
    assert f"Cancelled Bauplan job {job_id}" in out


def test_cancel_on_kill_false_leaves_the_job_running_on_worker_kill(
    emulator: Any, dags: Any, bauplan_project_dir: Path, capfd: Any
) -> None:
    emulator.script(JobScript(final_state="NEVER"))
    body = "import datetime as _dt\n" + _body(
        bauplan_project_dir,
        "deferrable=False, cancel_on_kill=False, execution_timeout=_dt.timedelta(seconds=1)",
    )
    dr = dags.run(body)
    capfd.readouterr()
    assert ti_state(dr, "run") == "failed"
    assert emulator.count("CancelJob") == 0


def test_an_api_outage_longer_than_the_window_fails_the_task_and_says_so(
    emulator: Any, dags: Any, bauplan_project_dir: Path, capfd: Any
) -> None:
    """Transient errors outlasting the window end the wait; the task tries to cancel the job
    and, with the API still down, says it could not (and how to stop it)."""
    emulator.script(JobScript(final_state="NEVER"))
    # The operator's first status check answers; then every GetJobs fails.
    when(
        lambda: emulator.count("GetJobs") >= 1,
        lambda: emulator.inject_fault("GetJobs", code="UNAVAILABLE", count=None),
    )
    dr = dags.run(_body(bauplan_project_dir, "transient_error_window=0.5"))
    out = capfd.readouterr().out

    assert ti_state(dr, "run") == "failed"
    job_id = emulator.calls("CodeSnapshotRun")[0].job_id
    assert f"Stopped waiting for Bauplan job {job_id}" in out
    assert "kept failing" in out
    assert f"Could not cancel Bauplan job {job_id}" in out
    assert f"bauplan job stop {job_id}" in out
    assert emulator.count("CodeSnapshotRun") == 1
