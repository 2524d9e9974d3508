"""BauplanImportOperator and BauplanJobSensor through ``dag.test()``."""

from __future__ import annotations

from typing import Any

import pytest
from airflow_support import TRIGGER_INLINE, line_time, ti_state, xcom_value

from bauplan_provider.testing import JobScript

IMPORT_LOGS = [("stdout", "INFO", "imported 3 files into trips_raw")]


@pytest.mark.parametrize("deferrable", [True, False], ids=["deferred", "worker"])
def test_import_completes_with_logs_and_xcom(
    emulator: Any, dags: Any, capfd: Any, deferrable: bool
) -> None:
    emulator.script(
        JobScript(final_state="COMPLETE", duration=1.0, logs=IMPORT_LOGS), table="trips_raw"
    )
    body = f"""
    BauplanImportOperator(
        task_id="load",
        table="{{{{ params.table }}}}",
        search_uri="s3://bucket/{{{{ ds }}}}/*.parquet",
        branch="main",
        namespace="raw",
        continue_on_error=True,
        best_effort="False",
        priority=3,
        poll_interval=0.2,
        deferrable={deferrable},
    )
    """
    dr = dags.run(body, params={"table": "trips_raw"})
    out = capfd.readouterr().out

    assert ti_state(dr, "load") == "success"
    (submission,) = emulator.calls("TableDataImport")
    assert xcom_value(dr, "load") == submission.job_id
    assert xcom_value(dr, "load", "job_id") == submission.job_id
    fields = submission.fields
    assert fields["table"] == "trips_raw"
    assert fields["search_uri"] == f"s3://bucket/{dr.logical_date:%Y-%m-%d}/*.parquet"
    assert (fields["branch"], fields["namespace"], fields["priority"]) == ("main", "raw", 3)
    assert fields["continue_on_error"] is True and fields["best_effort"] is False
    assert "[stdout] INFO: imported 3 files into trips_raw" in out
    assert (TRIGGER_INLINE in out) is deferrable


def test_import_failure_fails_with_the_bauplan_message(
    emulator: Any, dags: Any, capfd: Any
) -> None:
    emulator.script(
        JobScript(final_state="FAIL", duration=0.5, error_message="schema mismatch in f1.parquet")
    )
    body = """
    BauplanImportOperator(
        task_id="load", table="t", search_uri="s3://b/*.parquet", poll_interval=0.2
    )
    """
    dr = dags.run(body)
    out = capfd.readouterr().out
    assert ti_state(dr, "load") == "failed"
    assert "schema mismatch in f1.parquet" in out


SENSOR_DAG = """
submit = BauplanRunOperator(
    task_id="submit", project_dir={project!r}, wait_for_completion=False
)
wait = BauplanJobSensor(
    task_id="wait",
    job_id="{{{{ ti.xcom_pull(task_ids='submit', key='job_id') }}}}",
    poke_interval=0.2,
    timeout={timeout},
    deferrable={deferrable},
)
submit >> wait
"""


@pytest.mark.parametrize("deferrable", [True, False], ids=["deferred", "poke"])
def test_submit_without_waiting_then_sensor_succeeds(
    emulator: Any, dags: Any, bauplan_project_dir: Any, capfd: Any, deferrable: bool
) -> None:
    emulator.script(JobScript(final_state="COMPLETE", duration=1.5))
    body = SENSOR_DAG.format(project=str(bauplan_project_dir), timeout=60, deferrable=deferrable)
    dr = dags.run(body)
    out = capfd.readouterr().out

    assert ti_state(dr, "submit") == "success"
    assert ti_state(dr, "wait") == "success"
    job_id = xcom_value(dr, "submit")
    assert xcom_value(dr, "wait") == job_id
    assert f"Bauplan job {job_id} is COMPLETE" in out
    assert "[stdout] INFO: Running model trips_clean." in out
    assert emulator.count("CodeSnapshotRun") == 1
    if deferrable:
        start = line_time(out, TRIGGER_INLINE)
        assert any(e.time > start for e in emulator.calls("GetJobs"))
    else:
        assert TRIGGER_INLINE not in out


@pytest.mark.parametrize(
    ("final_state", "expected"),
    [("FAIL", "failed: disk full"), ("ABORT", "was cancelled in Bauplan (ABORT)")],
)
def test_sensor_fails_on_fail_and_abort(
    emulator: Any,
    dags: Any,
    bauplan_project_dir: Any,
    capfd: Any,
    final_state: str,
    expected: str,
) -> None:
    emulator.script(JobScript(final_state=final_state, duration=1.0, error_message="disk full"))
    body = SENSOR_DAG.format(project=str(bauplan_project_dir), timeout=60, deferrable=True)
    dr = dags.run(body)
    out = capfd.readouterr().out
    assert ti_state(dr, "wait") == "failed"
    assert expected in out
    assert emulator.count("CancelJob") == 0


def test_sensor_timeout_does_not_cancel_someone_elses_job(
    emulator: Any, dags: Any, bauplan_project_dir: Any, capfd: Any
) -> None:
    emulator.script(JobScript(final_state="NEVER"))
    body = SENSOR_DAG.format(project=str(bauplan_project_dir), timeout=1, deferrable=True)
    dr = dags.run(body)
    out = capfd.readouterr().out
    assert ti_state(dr, "wait") == "failed"
    assert "AirflowSensorTimeout" in out
    assert emulator.count("CancelJob") == 0
    job_id = xcom_value(dr, "submit")
    assert emulator.job(job_id).status == "RUNNING"


def test_sensor_without_a_job_id_names_the_field(emulator: Any, dags: Any, capfd: Any) -> None:
    body = """
    BauplanJobSensor(task_id="wait", job_id="{{ params.missing }}", poke_interval=0.2)
    """
    dr = dags.run(body, params={"missing": ""})
    out = capfd.readouterr().out
    assert ti_state(dr, "wait") == "failed"
    assert "job_id must be a Bauplan job id" in out
    assert emulator.count("GetJobs") == 0
