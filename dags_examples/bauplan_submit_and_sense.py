"""Fire and forget, then sense: submit a long rebuild, wait for it with a sensor, report it.

``submit_rebuild`` submits the ``taxi_daily/`` project and succeeds as soon as Bauplan has
accepted the job (``wait_for_completion=False``); the job id is pushed to XCom (key
``job_id`` and ``return_value``) *before* the task ends. ``wait_for_rebuild`` is a deferrable
``BauplanJobSensor`` on that job id: it waits in the triggerer, copies the job's logs into its
task log and fails if the job fails or is cancelled. ``report`` reads the job id from XCom
and records how the job went.

Split submit and wait like this when the wait should be separate from the submission: the
sensor can have its own timeout and retries (retrying the sensor never resubmits the job),
other tasks can run in between, or the job is submitted by someone else and you only know
its id (``job_id`` is templated: ``"{{ dag_run.conf['job_id'] }}"`` works too). Note that a
sensor never cancels the job: it is not the sensor's.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from airflow.sdk import DAG, task

from bauplan_provider.airflow import BauplanHook, BauplanJobSensor, BauplanRunOperator

with DAG(
    dag_id="bauplan_submit_and_sense",
    description="Submit a Bauplan rebuild without waiting; a deferrable sensor follows it.",
    doc_md=__doc__,
    schedule=None,
    start_date=datetime(2026, 1, 1),
    catchup=False,
    default_args={"owner": "data-platform"},
    tags=["bauplan", "taxi"],
) as dag:
    submit_rebuild = BauplanRunOperator(
        task_id="submit_rebuild",
        project_dir="taxi_daily",  # next to this file, inside the DAG bundle
        ref="main",
        parameters={"run_date": "{{ macros.ds_add(ds, -1) }}"},
        # Return right after submission; the job keeps running in Bauplan on its own.
        wait_for_completion=False,
    )

    wait_for_rebuild = BauplanJobSensor(
        task_id="wait_for_rebuild",
        # The operator pushed the id before it finished: no race with the job's end.
        job_id="{{ ti.xcom_pull(task_ids='submit_rebuild', key='job_id') }}",
        # Wait in the triggerer (the default): no worker slot is held meanwhile.
        deferrable=True,
        # Airflow's sensor settings: how often to ask Bauplan, and for how long. At the
        # timeout the sensor fails; the job is left running (it is not the sensor's).
        poke_interval=30,
        timeout=timedelta(hours=6),
    )

    @task
    def report(job_id: str) -> str:
        """Read the finished job back from Bauplan and record it (here: in the task log)."""
        job = BauplanHook().get_conn().get_job(job_id)
        summary = f"Bauplan job {job.id} ended {job.status.value}"
        if job.duration_seconds is not None:
            summary += f" after {job.duration_seconds:.0f} s"
        print(summary)
        return summary

    # submit_rebuild.output is the job id the operator returned (its XCom "return_value").
    submit_rebuild >> wait_for_rebuild >> report(submit_rebuild.output)
