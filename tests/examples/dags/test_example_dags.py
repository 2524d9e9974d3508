"""Every DAG in ``dags_examples/`` parses cleanly and runs to success under ``dag.test()``.

The DAGs run as shipped (the real operators, the real SDK, the triggers run inline) against
the emulator, reached only through a ``bauplan_default`` connection; the tests only make
the polling faster and the retries immediate.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from dag_run_support import (
    DAY,
    LOGICAL_DATE,
    MODEL_LINES,
    TRIGGER_INLINE,
    no_retry_delay,
    poll_fast,
    ti_state,
    when,
    xcom_value,
)

from bauplan_provider.testing import JobScript

SECRET = "bpk-example-dags-SECRET-6f1d"
EXAMPLE_DAG_IDS = {"bauplan_taxi_daily", "bauplan_import_then_run", "bauplan_submit_and_sense"}

pytestmark = pytest.mark.bauplan_emulator(api_key=SECRET, default_duration=0.5)


def test_every_example_dag_imports_without_errors(example_dags: Any) -> None:
    assert example_dags.import_errors == {}
    assert set(example_dags.dag_ids) == EXAMPLE_DAG_IDS
    for dag_id in EXAMPLE_DAG_IDS:
        dag = example_dags.get_dag(dag_id)
        assert dag.description and dag.doc_md  # what users see in the UI
        assert "bauplan" in dag.tags


def test_scheduled_pipeline_runs_daily_deferred_and_logs_the_job(
    example_dags: Any, emulator: Any, capfd: Any
) -> None:
    dag = example_dags.get_dag("bauplan_taxi_daily")
    task = dag.get_task("taxi_daily")
    # What makes it a production pipeline, as shipped.
    assert dag.schedule == "@daily"
    assert (task.deferrable, task.retries, task.timeout) == (True, 2, timedelta(hours=2))
    poll_fast(dag)

    dr = dag.test(logical_date=LOGICAL_DATE)
    out = capfd.readouterr().out

    assert str(dr.state) == "success"
    (submission,) = emulator.calls("CodeSnapshotRun")
    assert submission.fields["project_name"] == "taxi_daily"
    assert submission.fields["ref"] == "main"
    assert submission.fields["parameters"] == {"run_date": DAY, "min_trip_miles": 0.1}
    assert emulator.job(submission.job_id).status == "COMPLETE"
    assert xcom_value(dr, "taxi_daily") == submission.job_id
    # It waited in the (inline) triggerer, then copied the job's logs into the task log.
    assert TRIGGER_INLINE in out
    for line in MODEL_LINES:
        assert line in out
    assert out.index(MODEL_LINES[0]) > out.index(TRIGGER_INLINE)
    assert SECRET not in out


def test_scheduled_pipeline_failure_fails_the_dag_with_the_bauplan_message(
    example_dags: Any, emulator: Any, capfd: Any
) -> None:
    emulator.script(
        JobScript(final_state="FAIL", error_message="trips_daily_by_zone: no trips on 2026-12-01"),
        project_name="taxi_daily",
    )
    dag = example_dags.get_dag("bauplan_taxi_daily")
    poll_fast(dag)
    no_retry_delay(dag)

    dr = dag.test(logical_date=LOGICAL_DATE)
    out = capfd.readouterr().out

    assert str(dr.state) == "failed"
    assert ti_state(dr, "taxi_daily") == "failed"
    assert "BauplanJobFailedError" in out
    assert "trips_daily_by_zone: no trips on 2026-12-01" in out
    assert MODEL_LINES[0] in out  # the failed job's logs are in the task log too
    # Each try resubmitted the pipeline: the first run plus the DAG's 2 retries.
    assert emulator.count("CodeSnapshotRun", code="OK") == 1 + dag.get_task("taxi_daily").retries
    assert emulator.count("CancelJob") == 0
    assert SECRET not in out


def test_import_then_run_imports_the_day_then_runs_on_the_same_branch(
    example_dags: Any, emulator: Any, capfd: Any
) -> None:
    dag = example_dags.get_dag("bauplan_import_then_run")
    poll_fast(dag)

    dr = dag.test(logical_date=LOGICAL_DATE, run_conf={"branch": "ingest_taxi"})
    out = capfd.readouterr().out

    assert str(dr.state) == "success"
    assert (ti_state(dr, "load_trips"), ti_state(dr, "taxi_daily")) == ("success", "success")
    (load,) = emulator.calls("TableDataImport")
    (run,) = emulator.calls("CodeSnapshotRun")
    assert load.fields["table"] == "taxi_fhvhv"
    assert load.fields["search_uri"] == f"s3://taxi-landing/fhvhv/{DAY}/*.parquet"
    assert load.fields["branch"] == "ingest_taxi"
    assert load.fields["import_duplicate_files"] is False
    assert run.fields["ref"] == "ingest_taxi"
    assert run.fields["parameters"]["run_date"] == DAY
    # The pipeline was submitted only once the import had completed.
    assert run.time > emulator.job(load.job_id).finished_at
    assert "[stdout] INFO: Importing files into table taxi_fhvhv." in out
    assert MODEL_LINES[-1] in out
    assert out.count(TRIGGER_INLINE) == 2


def test_import_failure_stops_the_dag_before_the_pipeline(
    example_dags: Any, emulator: Any, capfd: Any
) -> None:
    emulator.script(
        JobScript(final_state="FAIL", error_message="fhvhv_2026-12-01.parquet: bad schema"),
        table="taxi_fhvhv",
    )
    dag = example_dags.get_dag("bauplan_import_then_run")
    poll_fast(dag)
    no_retry_delay(dag)

    dr = dag.test(logical_date=LOGICAL_DATE)
    out = capfd.readouterr().out

    assert str(dr.state) == "failed"
    assert ti_state(dr, "load_trips") == "failed"
    assert ti_state(dr, "taxi_daily") == "upstream_failed"
    assert "fhvhv_2026-12-01.parquet: bad schema" in out
    assert emulator.count("CodeSnapshotRun") == 0


def test_submit_then_deferred_sensor_then_report_reads_the_job_id(
    example_dags: Any, emulator: Any, capfd: Any
) -> None:
    # The job ends only once the sensor's trigger is polling it: the sensor must defer.
    emulator.script(JobScript(final_state="NEVER", duration=0), project_name="taxi_daily")
    when(
        lambda: emulator.count("GetJobs") >= 2,  # the sensor's own poke, then the trigger's
        lambda: emulator.complete_job(emulator.calls("CodeSnapshotRun")[0].job_id),
    )
    dag = example_dags.get_dag("bauplan_submit_and_sense")
    poll_fast(dag)

    dr = dag.test(logical_date=LOGICAL_DATE)
    out = capfd.readouterr().out

    assert str(dr.state) == "success"
    (submission,) = emulator.calls("CodeSnapshotRun")
    job_id = submission.job_id
    assert xcom_value(dr, "submit_rebuild", "job_id") == job_id
    assert xcom_value(dr, "wait_for_rebuild") == job_id
    assert TRIGGER_INLINE in out
    assert MODEL_LINES[0] in out  # the sensor copied the job's logs into its task log
    assert xcom_value(dr, "report").startswith(f"Bauplan job {job_id} ended COMPLETE")
    assert emulator.count("CancelJob") == 0
