"""Helpers for the emulator tests: a small Bauplan project on disk, SDK job states.

(Not in conftest.py: ``tests/conftest.py`` owns that module name when the whole tree runs.)
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

# bauplan.schema.JobState is not an Enum and never equals a string: compare int values.
STATE_NAMES = {
    0: "UNSPECIFIED",
    1: "NOT_STARTED",
    2: "RUNNING",
    3: "COMPLETE",
    4: "ABORT",
    5: "FAIL",
    6: "OTHER",
}
TERMINAL = {"COMPLETE", "FAIL", "ABORT"}

PROJECT_YML = """\
project:
  id: 5f1c0a3e-0000-4000-8000-000000000001
  name: {name}
parameters:
  run_date:
    type: str
    default: "2024-01-01"
"""

MODELS_PY = """\
import bauplan


@bauplan.model()
@bauplan.python("3.11")
def clean_orders(data=bauplan.Model("raw_orders")):
    return data


@bauplan.model(materialization_strategy="REPLACE")
def order_stats(data=bauplan.Model("clean_orders")):
    return data


def helper_not_a_model():
    return 1
"""


def make_project(root: Path, name: str = "demo_project") -> Path:
    """Write a tiny Bauplan project (two Python models, one SQL model) under ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "bauplan_project.yml").write_text(PROJECT_YML.format(name=name))
    (root / "models.py").write_text(MODELS_PY)
    (root / "trips.sql").write_text("SELECT pickup_datetime FROM taxi_fhvhv\n")
    return root


def state(job: Any) -> str:
    return STATE_NAMES[int(job.status)]


def wait_terminal(client: Any, job_id: str, timeout: float = 10.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        job = client.get_job(job_id)
        if state(job) in TERMINAL:
            return job
        if time.monotonic() > deadline:
            raise AssertionError(f"job {job_id} still {state(job)} after {timeout}s")
        time.sleep(0.02)
