"""A distinctive API key, enforced by the emulator, never lands anywhere Airflow keeps data."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from airflow_support import SECRET_KEY, all_xcom_rows, rendered_fields, ti_state

from bauplan_provider.airflow import BauplanJobTrigger
from bauplan_provider.testing import JobScript


def _files_containing(root: Path, needle: bytes) -> list[Path]:
    found = []
    for path in root.rglob("*"):
        if path.is_file() and needle in path.read_bytes():
            found.append(path)
    return found


@pytest.mark.bauplan_emulator(api_key=SECRET_KEY)
def test_key_is_nowhere_after_success_failure_and_timeout(
    emulator: Any, dags: Any, bauplan_project_dir: Path, capfd: Any
) -> None:
    assert emulator.api_key == SECRET_KEY  # the connection carries it; the emulator checks it
    project = str(bauplan_project_dir)
    emulator.script(JobScript(final_state="COMPLETE", duration=1.0), ref="ok")
    emulator.script(JobScript(final_state="FAIL", duration=0.5, error_message="x"), ref="bad")
    emulator.script(JobScript(final_state="NEVER"), ref="slow")
    body = f"""
    BauplanRunOperator(task_id="ok", project_dir={project!r}, ref="ok", poll_interval=0.2)
    BauplanRunOperator(task_id="bad", project_dir={project!r}, ref="bad", poll_interval=0.2)
    BauplanRunOperator(
        task_id="slow", project_dir={project!r}, ref="slow", poll_interval=0.2, timeout=1
    )
    BauplanRunOperator(
        task_id="worker", project_dir={project!r}, ref="ok", deferrable=False, poll_interval=0.2
    )
    """
    dr = dags.run(body)
    captured = capfd.readouterr()

    states = {t: ti_state(dr, t) for t in ("ok", "bad", "slow", "worker")}
    assert states == {"ok": "success", "bad": "failed", "slow": "failed", "worker": "success"}
    assert emulator.count("CodeSnapshotRun", code="OK") == 4
    assert emulator.count("CancelJob") == 1

    assert SECRET_KEY not in captured.out + captured.err
    assert SECRET_KEY not in repr(all_xcom_rows(dr))
    for task_id in states:
        assert SECRET_KEY not in repr(rendered_fields(dr, task_id))
    # Everything Airflow wrote: the metadata DB (trigger, XCom, task-instance next_kwargs,
    # rendered fields, logs tables) and any file under AIRFLOW_HOME.
    home = Path(os.environ["AIRFLOW_HOME"])
    assert _files_containing(home, SECRET_KEY.encode()) == []


def test_serialized_trigger_holds_no_secret(emulator: Any) -> None:
    _, kwargs = BauplanJobTrigger(job_id="j", bauplan_conn_id="bauplan_default").serialize()
    assert emulator.api_key not in repr(kwargs)
    assert set(kwargs) == {
        "job_id",
        "bauplan_conn_id",
        "poll_interval",
        "max_poll_interval",
        "deadline",
        "cancel_on_timeout",
        "cancel_on_kill",
        "transient_error_window",
        "batched_polling",
        "resume_not_before",
    }
