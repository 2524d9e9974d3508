"""The main job's Airflow part: run the example DAG ``bauplan_taxi_daily`` with ``dag.test()``.

A fresh ``AIRFLOW_HOME`` (the folder given as the only argument), ``dags_examples/`` as the
DAGs folder, and a ``bauplan_default`` connection pointing at the emulator: exactly how a
user would set up Airflow, with the connection in an ``AIRFLOW_CONN_*`` variable. The DAG's
task log (the lines Airflow's task logger wrote for the Bauplan operator and its trigger) is
shown live; Airflow's own output goes to ``dag_test.log`` in the home folder.

    python scripts/main_job_airflow.py HOME   # started by scripts/main_job.py
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from main_job_support import (
    REPO,
    CapturedOutput,
    PartResult,
    emulator_settings,
    finish_part,
    redact,
    say,
    scrub_environment,
)

DAGS_FOLDER = REPO / "dags_examples"
DAG_ID = "bauplan_taxi_daily"
#: The scheduled run of 2026-12-02 00:00 UTC, which aggregates 2026-12-01.
LOGICAL_DATE = datetime(2026, 12, 2, tzinfo=timezone.utc)
# A task-log line: "<time> [<level>] <message> [<logger>] <key=value ...>" (the logger and
# the fields are left out when shown).
_LOGGER_TAIL = re.compile(r"\s+\[[\w.]+\](\s+\w+=\S+)+\s*$")
_TIMESTAMPED = re.compile(r"^\d{4}-\d\d-\d\dT\S+ \[")
# The last line of a traceback: "bauplan_provider.core._errors.BauplanJobFailedError: ...".
_EXCEPTION = re.compile(r"^[\w.]*(Error|Exception|Timeout)\b[^:\s]*: ")
# Airflow's own lines that tell the story of a deferred task.
_AIRFLOW_MILESTONES = ("Pausing task as DEFERRED", "[DAG TEST] running trigger")


def configure(home: Path, endpoint: str, api_key: str) -> None:
    """Airflow's settings for this process (before airflow is imported) and its children."""
    scrub_environment(("AIRFLOW", "BAUPLAN_"))
    connection = {"conn_type": "bauplan", "password": api_key, "extra": {"api_endpoint": endpoint}}
    os.environ.update(
        {
            "AIRFLOW_HOME": str(home),
            "AIRFLOW__CORE__DAGS_FOLDER": str(DAGS_FOLDER),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            # dag.test() runs no scheduler that a quick resume could race with: the trigger
            # need not hold back an event that is ready right after the deferral.
            "AIRFLOW__BAUPLAN__RESUME_DELAY_SECONDS": "0",
            "AIRFLOW_CONN_BAUPLAN_DEFAULT": json.dumps(connection),
        }
    )


def migrate(home: Path) -> None:
    """``airflow db migrate``: a fresh AIRFLOW_HOME has no metadata database yet."""
    airflow = Path(sys.executable).with_name("airflow")
    result = subprocess.run(
        [str(airflow), "db", "migrate"], capture_output=True, text=True, timeout=300
    )
    if result.returncode != 0:
        raise RuntimeError(f"airflow db migrate failed:\n{result.stdout}\n{result.stderr}")


class TaskLogFilter:
    """Picks the task-log lines worth showing: the Bauplan operator's and trigger's lines,
    the milestones of a deferral, and the errors a failed task raised."""

    def __init__(self, secret: str) -> None:
        self.secret = secret
        self.errors_shown = 0

    def __call__(self, line: str) -> str | None:
        if _EXCEPTION.match(line):
            self.errors_shown += 1
            return "  | " + redact(line, self.secret)
        if not _TIMESTAMPED.match(line):
            return None
        if "bauplan_provider" in line or any(m in line for m in _AIRFLOW_MILESTONES):
            return "  | " + redact(_LOGGER_TAIL.sub("", line), self.secret)
        return None


def load_dag() -> Any:
    """The example DAG, parsed by a DagBag like the dag-processor would (no import errors).

    Its retries are kept but made immediate: ``dag.test()`` would otherwise sleep through
    the 10-minute ``retry_delay`` before each retry of a failed job.
    """
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(DAGS_FOLDER))
    if bag.import_errors:
        raise RuntimeError(f"DAG import errors: {bag.import_errors}")
    dag = bag.get_dag(DAG_ID)
    for task in dag.tasks:
        task.retry_delay = timedelta(0)
    return dag


def task_outcome(dr: Any) -> tuple[str, str | None]:
    """The single task's final state and the Bauplan job id it pushed to XCom."""
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session

    (ti,) = dr.get_task_instances()
    with create_session() as session:
        row = (
            session.query(XComModel)
            .filter_by(dag_id=dr.dag_id, run_id=dr.run_id, task_id=ti.task_id, key="job_id")
            .one_or_none()
        )
        job_id = None if row is None else XComModel.deserialize_value(row)
    return f"{ti.task_id} {ti.state}", job_id


def main(argv: list[str]) -> int:
    home = Path(argv[0])
    endpoint, api_key = emulator_settings()
    configure(home, endpoint, api_key)
    shown = TaskLogFilter(api_key)
    capture = CapturedOutput(home / "dag_test.log", show=shown)
    try:
        say(f"Airflow: fresh AIRFLOW_HOME, `airflow db migrate`, DAGs folder {DAGS_FOLDER}")
        migrate(home)
        say("Airflow: connection bauplan_default -> the emulator (AIRFLOW_CONN_BAUPLAN_DEFAULT)")
        with capture:
            dag = load_dag()
            capture.say(
                f"Airflow: dag.test() of {DAG_ID}, logical date {LOGICAL_DATE:%Y-%m-%d} "
                "(it aggregates the day before); the task log:"
            )
            dr = dag.test(logical_date=LOGICAL_DATE)
        task, job_id = task_outcome(dr)
        ok = str(dr.state) == "success"
        result = PartResult(
            ok=ok,
            summary=f"DAG run {dr.state} (task {task}), Bauplan job {job_id}",
            job_ids=[job_id] if job_id else [],
        )
    except Exception as exc:  # reported as a result line, with the details below
        result = PartResult(ok=False, summary=f"{type(exc).__name__}: {exc}")
    return finish_part(
        "airflow", result, capture, api_key, home, explained=bool(shown.errors_shown)
    )


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
