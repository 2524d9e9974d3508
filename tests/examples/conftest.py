"""tests/examples: the shipped DAGs and flows, the main job and the README, run for real.

Airflow reads its configuration when it is first imported, so a private ``AIRFLOW_HOME`` is
chosen here, at import time, before any test module can import airflow. ``setdefault``
keeps the configuration tests/airflow's conftest chose when both run in one pytest process.
Nothing here imports airflow or prefect: tests/examples/flows also runs in the Prefect-only
venv (no airflow installed), where these variables are simply unused.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

_HOME = Path(tempfile.mkdtemp(prefix="bauplan-examples-airflow-"))
atexit.register(shutil.rmtree, _HOME, ignore_errors=True)
for _name, _value in {
    "AIRFLOW_HOME": str(_HOME),
    "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
    "AIRFLOW__CORE__DAGS_FOLDER": str(_HOME / "dags"),
    # dag.test() has no scheduler for a quick resume to race with, so the trigger need not
    # hold back an early event (see [bauplan] resume_delay_seconds in the README).
    "AIRFLOW__BAUPLAN__RESUME_DELAY_SECONDS": "0",
}.items():
    os.environ.setdefault(_name, _value)
Path(os.environ["AIRFLOW__CORE__DAGS_FOLDER"]).mkdir(parents=True, exist_ok=True)
