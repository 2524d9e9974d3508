"""Import then transform: load one day of raw trip files into a table, then run the pipeline.

``bauplan_import`` loads the day's Parquet files from the landing bucket into the
``taxi_fhvhv`` table on a branch; ``bauplan_run`` then runs the ``taxi_daily/`` project (next
to this file) on the same branch, so the pipeline reads exactly what was just imported. Each
task submits its job detached, follows it to its end and copies the job's logs into its own
task run's log; if the import fails, the pipeline is not run and the flow fails with
Bauplan's error message.

Run it for one day (credentials: a saved ``BauplanCredentials`` block, see
``taxi_daily_flow.py``, or ``credentials_block=None`` for the SDK's defaults, such as
``BAUPLAN_API_KEY``)::

    python -c "from import_then_run_flow import import_then_run_flow as f; f('2026-11-30')"
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from prefect import flow

from bauplan_provider.prefect import (
    BauplanCredentials,
    BauplanJobResult,
    bauplan_import,
    bauplan_run,
)

PROJECT_DIR = Path(__file__).resolve().parent / "taxi_daily"


@flow(name="taxi-import-then-run")
def import_then_run_flow(
    day: date,
    branch: str = "main",
    landing: str = "s3://taxi-landing/fhvhv",
    credentials_block: str | None = "bauplan",
) -> BauplanJobResult:
    """Import ``day``'s files from ``landing`` into ``taxi_fhvhv`` on ``branch``, then run."""
    credentials = BauplanCredentials.load(credentials_block) if credentials_block else None
    bauplan_import(
        "taxi_fhvhv",
        f"{landing}/{day.isoformat()}/*.parquet",
        branch=branch,
        # A file imported before is skipped, so re-running a day (or retrying) is safe.
        import_duplicate_files=False,
        credentials=credentials,
        # An import of a day's files takes minutes: cancel it if it takes over an hour.
        timeout=timedelta(hours=1),
    )
    # Called directly (not .submit()), the pipeline starts only once the import succeeded:
    # a failed import raises here and fails the flow.
    return bauplan_run(
        PROJECT_DIR,
        ref=branch,
        parameters={"run_date": day.isoformat(), "min_trip_miles": 0.1},
        credentials=credentials,
        timeout=timedelta(hours=2),
    )
