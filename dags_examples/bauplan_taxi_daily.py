"""A scheduled production pipeline: every day, aggregate the day that just ended.

One task runs the Bauplan project in ``taxi_daily/`` (shipped next to this file, inside the
DAG bundle) on a branch, with the project's ``run_date`` parameter taken from the run's
logical date. The task submits the job *detached* and then waits for it in the triggerer,
so a long run holds no worker slot; when the job ends, its logs are copied into this task's
log, and a failed job fails the task with Bauplan's error message.

Credentials come from the Airflow connection ``bauplan_default`` (type ``bauplan``, the API
key as the password), for example::

    export AIRFLOW_CONN_BAUPLAN_DEFAULT='{"conn_type": "bauplan", "password": "<API key>"}'

Run one day by hand: ``airflow dags test bauplan_taxi_daily 2026-12-02``.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from airflow.sdk import DAG, Param

from bauplan_provider.airflow import BauplanRunOperator

with DAG(
    dag_id="bauplan_taxi_daily",
    description="Daily NYC taxi trips per pickup zone, computed in Bauplan.",
    doc_md=__doc__,
    # In Airflow 3 "@daily" fires at midnight UTC and the run's logical date *is* that
    # midnight: the day to aggregate is the one before it (see run_date below).
    schedule="@daily",
    start_date=datetime(2026, 1, 1),
    catchup=False,
    # Two runs of the same pipeline on the same branch would race on the same tables.
    max_active_runs=1,
    params={
        # Trigger with {"branch": "dev_alice"} to try a change on a branch first.
        "branch": Param("main", type="string", description="Bauplan branch to run on."),
    },
    default_args={
        "owner": "data-platform",
        # A retry resubmits the pipeline: fine for a transient failure of the job itself.
        # (Transient *API* errors while waiting are retried inside the wait and never
        # resubmit; bad input and rejected keys fail without retrying.)
        "retries": 2,
        "retry_delay": timedelta(minutes=10),
    },
    tags=["bauplan", "taxi"],
) as dag:
    BauplanRunOperator(
        task_id="taxi_daily",
        # Relative to this file's folder: the project travels with the DAG bundle.
        project_dir="taxi_daily",
        ref="{{ params.branch }}",
        parameters={
            "run_date": "{{ macros.ds_add(ds, -1) }}",
            "min_trip_miles": 0.1,
        },
        # Wait in the triggerer (the default): the worker slot is released as soon as the
        # job is submitted, however long the pipeline takes. Use False only if your
        # deployment runs no triggerer (the worker then polls and holds its slot).
        deferrable=True,
        # The job may run for at most 2 hours from submission. At the deadline the Bauplan
        # job is *cancelled* (nothing is left running) and the task fails, then retries.
        timeout=timedelta(hours=2),
        # Polling starts every 2 s and backs off to once every 30 s (the defaults), which
        # is cheap for a pipeline of any length.
        poll_interval=2.0,
        max_poll_interval=30.0,
        # The job's own logs (one line per model, errors) are copied into this task log.
        fetch_logs=True,
    )
