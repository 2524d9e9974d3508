"""Airflow test setup: a private AIRFLOW_HOME with a migrated SQLite DB, DAG files, helpers.

Airflow reads its configuration when first imported, so the environment is set here at
import time, before any test module imports airflow. ``setdefault`` keeps a configuration
another conftest of the same pytest run may have chosen. Nothing else global is touched:
the root logger's state (Airflow adds a stdout handler) is restored after this package's
tests so later suites (Prefect) see logging as they left it.
"""

from __future__ import annotations

import atexit
import logging
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from airflow_support import CONN_ENV, DagRunner, connection_json

_HOME = Path(tempfile.mkdtemp(prefix="bauplan-airflow-tests-"))
atexit.register(shutil.rmtree, _HOME, ignore_errors=True)
for _name, _value in {
    "AIRFLOW_HOME": str(_HOME),
    "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
    "AIRFLOW__CORE__DAGS_FOLDER": str(_HOME / "dags"),
    # dag.test() has no scheduler to race with (see [bauplan] resume_delay_seconds).
    "AIRFLOW__BAUPLAN__RESUME_DELAY_SECONDS": "0",
}.items():
    os.environ.setdefault(_name, _value)
Path(os.environ["AIRFLOW__CORE__DAGS_FOLDER"]).mkdir(parents=True, exist_ok=True)
# The root logger as it was before Airflow (imported by test modules) configured it.
_ROOT_BEFORE = (list(logging.getLogger().handlers), logging.getLogger().level)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "deployment: starts a real Airflow deployment (api-server, scheduler, dag-processor, "
        "triggerer); part of the default run",
    )


@pytest.fixture(scope="package", autouse=True)
def airflow_db() -> Iterator[Path]:
    """Migrate the Airflow DB once for this package; restore the root logger afterwards."""
    root = logging.getLogger()
    airflow = Path(sys.executable).with_name("airflow")
    result = subprocess.run(
        [str(airflow), "db", "migrate"],
        capture_output=True,
        text=True,
        timeout=180,
        env=os.environ.copy(),
    )
    if result.returncode != 0:
        pytest.fail(f"airflow db migrate failed:\n{result.stdout}\n{result.stderr}")
    import airflow

    # Airflow's handler keeps the stream object it was created with; the tests read the
    # task output with capfd, so it must write to whatever stdout is current.
    for handler in root.handlers:
        if type(handler) is logging.StreamHandler and handler not in _ROOT_BEFORE[0]:
            handler.setStream(_CurrentStdout())  # type: ignore[arg-type]
    yield Path(os.environ["AIRFLOW_HOME"])
    root.handlers[:] = _ROOT_BEFORE[0]
    root.setLevel(_ROOT_BEFORE[1])


class _CurrentStdout:
    """A stream that writes to the current ``sys.stdout`` (pytest swaps it per test)."""

    def write(self, text: str) -> int:
        return sys.stdout.write(text)

    def flush(self) -> None:
        sys.stdout.flush()


@pytest.fixture
def emulator(bauplan_emulator: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The emulator, reachable only through the ``bauplan_default`` connection.

    The ``BAUPLAN_*`` variables the plugin sets are removed so that a passing test proves
    the connection (not the environment) carried the endpoint and the key.
    """
    monkeypatch.delenv("BAUPLAN_API_ENDPOINT", raising=False)
    monkeypatch.delenv("BAUPLAN_API_KEY", raising=False)
    monkeypatch.setenv(
        CONN_ENV, connection_json(bauplan_emulator.endpoint, bauplan_emulator.api_key)
    )
    return bauplan_emulator


@pytest.fixture
def dags() -> Iterator[DagRunner]:
    runner = DagRunner()
    yield runner
    runner.cleanup()
