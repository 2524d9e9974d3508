"""Fire and forget, then wait: submit a long rebuild, wait for it, report it.

``submit_bauplan_run`` returns the job id as soon as Bauplan has accepted the job;
``wait_for_bauplan_job`` follows that job to its end, copies its logs into its task run's
log and fails if the job fails or is cancelled; ``report`` takes the job id and records how
the job went. The async twin of the wait, for async flows, is
``await await_for_bauplan_job(job_id)``.

Split submit and wait like this when the wait should be separate from the submission: a
retry of the wait never resubmits the job, other work can run in between, or the job was
submitted elsewhere and you only know its id. When Prefect stops the wait (the flow run is
cancelled or the wait times out), the job is cancelled.

Credentials: ``credentials_block=None`` (the default here) uses the SDK's own resolution on
the machine that runs the flow: ``BAUPLAN_API_KEY``, ``BAUPLAN_PROFILE`` or
``~/.bauplan/config.yaml``.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from prefect import flow, get_run_logger, task

from bauplan_provider.prefect import (
    BauplanCredentials,
    BauplanJobResult,
    submit_bauplan_run,
    wait_for_bauplan_job,
)

PROJECT_DIR = Path(__file__).resolve().parent / "taxi_daily"


@task
def report(job_id: str, result: BauplanJobResult) -> str:
    """Record how the job went (here: in the run log)."""
    job = result.job
    summary = f"Bauplan job {job_id} ended {job.status.value}"
    if job.duration_seconds is not None:
        summary += f" after {job.duration_seconds:.0f} s"
    get_run_logger().info(summary)
    return summary


@flow(name="taxi-rebuild")
def submit_and_wait_flow(
    run_date: date,
    branch: str = "main",
    credentials_block: str | None = None,
) -> str:
    """Submit the taxi pipeline for ``run_date`` without waiting, then wait and report."""
    credentials = BauplanCredentials.load(credentials_block) if credentials_block else None
    job_id = submit_bauplan_run(
        PROJECT_DIR,
        ref=branch,
        parameters={"run_date": run_date.isoformat()},
        credentials=credentials,
    )
    # ... anything that need not wait for the job can run here ...
    result = wait_for_bauplan_job(
        job_id,
        credentials=credentials,
        # Up to 6 hours; then the job is cancelled and the task fails TimedOut.
        timeout=timedelta(hours=6),
        # Ask every 2 s at first, backing off to every 60 s for a long job.
        poll_interval=2.0,
        max_poll_interval=60.0,
    )
    return report(job_id, result)
