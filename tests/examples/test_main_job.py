"""The README's main job (``bash scripts/main.sh`` runs ``scripts/main_job.py``), end to end.

Run with this venv's Python (``main.sh`` only adds the venv setup), with no arguments, as a
user would: the example DAG under ``dag.test()`` and the example flow under a local Prefect
server, each in its own process and home, against one emulator.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
MODEL_LINES = tuple(
    f"[stdout] INFO: Running model {model}."
    for model in ("trips_clean", "trips_daily_by_zone", "zone_names")
)


def _sections(output: str) -> dict[str, str]:
    """The output split at its ``========== name ==========`` headers."""
    parts = re.split(r"^========== (\w+) ==========$", output, flags=re.MULTILINE)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def test_main_job_runs_the_dag_and_the_flow_and_shows_their_bauplan_logs() -> None:
    done = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "main_job.py")],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    sections = _sections(done.stdout)
    assert list(sections) == ["airflow", "prefect", "results"], output

    # Airflow: the operator's and trigger's task-log lines, the job's own lines among them.
    airflow = sections["airflow"]
    assert "Pausing task as DEFERRED." in airflow
    assert "[DAG TEST] running trigger in line" in airflow
    for line in MODEL_LINES:
        assert re.search(rf"^  \| \S+Z \[info\s*\] {re.escape(line)}$", airflow, re.MULTILINE)
    assert "RESULT airflow: OK" in airflow

    # Prefect: the run's log as read back from the API, attributed to the bauplan_run task.
    prefect = sections["prefect"]
    for line in MODEL_LINES:
        assert re.search(
            rf"\| INFO +\| Task run 'bauplan_run-\w+' - {re.escape(line)}$", prefect, re.M
        )
    assert "RESULT prefect: OK" in prefect

    results = sections["results"].strip().splitlines()
    assert results[0].startswith("OK   airflow  DAG run success")
    assert results[1].startswith("OK   prefect  flow run Completed")
    assert all("(emulator: COMPLETE" in line for line in results[:2])
    assert results[2].startswith("main job took")
    # The emulator's random API key ("bpk-main-job-<hex>") is never printed.
    assert "bpk-main-job-" not in output
