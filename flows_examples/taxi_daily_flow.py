"""A scheduled production pipeline: every morning, aggregate the day that just ended.

``bauplan_run`` submits the Bauplan project in ``taxi_daily/`` (shipped next to this file)
*detached*, follows the job until it ends, copies the job's logs into this flow run's log and
publishes a markdown artifact; a failed job fails the task and the flow with Bauplan's error
message. If the flow run is cancelled or times out, the Bauplan job is cancelled too.

Credentials come from a ``BauplanCredentials`` block, saved once::

    from bauplan_provider.prefect import BauplanCredentials
    BauplanCredentials(api_key="<API key>").save("bauplan")

Deploy it with a schedule (the process serves the deployment and runs its flow runs)::

    python flows_examples/taxi_daily_flow.py

and, while it is served, run one day now with
``prefect deployment run taxi-daily/taxi-daily --param run_date=2026-12-01``.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from prefect import flow
from prefect.runtime import flow_run

from bauplan_provider.prefect import BauplanCredentials, BauplanJobResult, bauplan_run

# Next to this file, wherever the flow runs (a relative path would depend on the working
# directory of the process that runs the flow).
PROJECT_DIR = Path(__file__).resolve().parent / "taxi_daily"

# A retry resubmits the pipeline: right for a job that failed on a transient problem.
# Transient *API* errors while waiting are retried inside the wait and never resubmit; bad
# input, a rejected API key or an uncertain submission are never retried.
run_pipeline = bauplan_run.with_options(retries=2, retry_delay_seconds=600)

#: The deployment ``python taxi_daily_flow.py`` serves: every day at 06:00 UTC.
DEPLOYMENT: dict[str, Any] = {
    "name": "taxi-daily",
    "cron": "0 6 * * *",
    "parameters": {"branch": "main", "credentials_block": "bauplan"},
    "description": "Daily NYC taxi trips per pickup zone, computed in Bauplan.",
    "tags": ["bauplan", "taxi"],
}


@flow(name="taxi-daily")
def taxi_daily_flow(
    run_date: date | None = None,
    branch: str = "main",
    credentials_block: str = "bauplan",
) -> BauplanJobResult:
    """Run the taxi pipeline for ``run_date`` (default: the day before the scheduled time).

    Deriving the day from the run's *scheduled* time, not from "now", keeps late or re-run
    flow runs on the day they were scheduled for.
    """
    day = run_date or flow_run.scheduled_start_time.date() - timedelta(days=1)
    credentials = BauplanCredentials.load(credentials_block)
    return run_pipeline(
        PROJECT_DIR,
        ref=branch,
        parameters={"run_date": day.isoformat(), "min_trip_miles": 0.1},
        credentials=credentials,
        # The job may run for at most 2 hours; then it is cancelled and the task fails
        # TimedOut (and retries).
        timeout=timedelta(hours=2),
        # Poll every 2 s at first, backing off to every 30 s (the defaults).
        poll_interval=2.0,
        max_poll_interval=30.0,
    )


if __name__ == "__main__":
    # Serve the deployment from this process: it registers the schedule with the Prefect
    # server and runs each scheduled flow run. The guard matters: the runner re-imports this
    # file to run the flow, and must not start a second server then.
    taxi_daily_flow.serve(**DEPLOYMENT)
