"""Import then transform: load one day of raw trip files into a table, then run the pipeline.

``load_trips`` imports the day's Parquet files from the landing bucket into the
``taxi_fhvhv`` table on a branch; ``taxi_daily`` then runs the ``taxi_daily/`` project on the
same branch, so the pipeline reads exactly what was just imported. Both tasks submit their
job detached and wait in the triggerer; each job's logs land in its task's log.

Not scheduled: trigger it when a day's files have landed (from the UI, from an upstream
DAG, or ``airflow dags trigger bauplan_import_then_run -c '{"day": "2026-11-30"}'``). Without
a ``day`` it loads the day before the run's logical date.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from airflow.sdk import DAG, Param

from bauplan_provider.airflow import BauplanImportOperator, BauplanRunOperator

# One expression for "the day to load", shared by both tasks.
DAY = "{{ params.day or macros.ds_add(ds, -1) }}"

with DAG(
    dag_id="bauplan_import_then_run",
    description="Import a day of raw taxi trips into Bauplan, then aggregate it.",
    doc_md=__doc__,
    schedule=None,
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,
    params={
        "day": Param(None, type=["null", "string"], format="date", description="Day to load."),
        "branch": Param("main", type="string", description="Bauplan branch to work on."),
        "landing": Param(
            "s3://taxi-landing/fhvhv",
            type="string",
            description="Where the raw Parquet files land, one folder per day.",
        ),
    },
    default_args={
        "owner": "data-platform",
        # A retry resubmits the task's job (a re-import skips files it already imported,
        # see import_duplicate_files).
        "retries": 1,
        "retry_delay": timedelta(minutes=5),
    },
    tags=["bauplan", "taxi"],
) as dag:
    load_trips = BauplanImportOperator(
        task_id="load_trips",
        table="taxi_fhvhv",
        search_uri="{{ params.landing }}/" + DAY + "/*.parquet",
        branch="{{ params.branch }}",
        # A file that was imported before is skipped, so re-running a day is safe.
        import_duplicate_files=False,
        # Wait in the triggerer: no worker slot is held while Bauplan imports.
        deferrable=True,
        # An import of a day's files takes minutes: cancel it if it takes over an hour.
        timeout=timedelta(hours=1),
    )

    taxi_daily = BauplanRunOperator(
        task_id="taxi_daily",
        project_dir="taxi_daily",  # next to this file, inside the DAG bundle
        ref="{{ params.branch }}",
        parameters={"run_date": DAY, "min_trip_miles": 0.1},
        deferrable=True,
        timeout=timedelta(hours=2),
    )

    load_trips >> taxi_daily
