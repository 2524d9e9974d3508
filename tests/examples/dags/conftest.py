"""Fixtures for running ``dags_examples/`` with ``dag.test()`` against the emulator.

The DAG files are used where they are: ``dags_examples/`` is linked into the DAGs folder
(``dag.test()`` syncs the DAGs folder's bundle and needs the DAG in it) and the DAGs are
parsed from the real folder by a ``DagBag``, so relative ``project_dir`` paths resolve to
the shipped ``taxi_daily/`` project.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[3]
EXAMPLES = REPO / "dags_examples"
CONN_ENV = "AIRFLOW_CONN_BAUPLAN_DEFAULT"
_ROOT_BEFORE = (list(logging.getLogger().handlers), logging.getLogger().level)


class _CurrentStdout:
    """A stream that writes to the current ``sys.stdout`` (pytest swaps it per test)."""

    def write(self, text: str) -> int:
        return sys.stdout.write(text)

    def flush(self) -> None:
        sys.stdout.flush()


@pytest.fixture(scope="module", autouse=True)
def airflow_db() -> Iterator[None]:
    """Migrate the Airflow DB (idempotent); send task logs to the current stdout."""
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
    import airflow  # configures Airflow's logging

    # Airflow's console handler keeps the stream it was created with; the tests read task
    # logs with capfd, so it must write to whatever stdout is current.
    for handler in root.handlers:
        if type(handler) is logging.StreamHandler and handler not in _ROOT_BEFORE[0]:
            handler.setStream(_CurrentStdout())  # type: ignore[arg-type]
    yield
    root.handlers[:] = _ROOT_BEFORE[0]
    root.setLevel(_ROOT_BEFORE[1])


@pytest.fixture(scope="module")
def example_dags(airflow_db: None) -> Iterator[Any]:
    """The ``DagBag`` of ``dags_examples/``, linked into the DAGs folder meanwhile."""
    from airflow.dag_processing.dagbag import DagBag

    dags_folder = Path(os.environ["AIRFLOW__CORE__DAGS_FOLDER"])
    link = dags_folder / "bauplan_examples"
    linked = dags_folder.resolve() != EXAMPLES.resolve() and not link.exists()
    if linked:
        link.symlink_to(EXAMPLES, target_is_directory=True)
    try:
        yield DagBag(dag_folder=str(EXAMPLES))
    finally:
        if linked:
            link.unlink()


@pytest.fixture
def emulator(bauplan_emulator: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The emulator, reachable only through the ``bauplan_default`` connection (as JSON).

    The ``BAUPLAN_*`` variables the fixture sets are removed: a passing test proves the
    connection carried the endpoint and the key, as in a real deployment.
    """
    monkeypatch.delenv("BAUPLAN_API_ENDPOINT", raising=False)
    monkeypatch.delenv("BAUPLAN_API_KEY", raising=False)
    connection = {
        "conn_type": "bauplan",
        "password": bauplan_emulator.api_key,
        "extra": {"api_endpoint": bauplan_emulator.endpoint},
    }
    monkeypatch.setenv(CONN_ENV, json.dumps(connection))
    return bauplan_emulator
