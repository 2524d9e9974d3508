"""Airflow test setup shared by tests/airflow and tests/examples.

Airflow reads its configuration when first imported, so :func:`use_private_airflow_home`
must run at conftest import time, before any test module imports airflow. Nothing here
imports airflow at module level: tests/examples' conftest also loads in the Prefect-only venv.
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

CONN_ENV = "AIRFLOW_CONN_BAUPLAN_DEFAULT"
# The root logger as it was before Airflow configured it.
_ROOT_BEFORE = (list(logging.getLogger().handlers), logging.getLogger().level)


def use_private_airflow_home(prefix: str) -> None:
    """Point Airflow at a temp ``AIRFLOW_HOME`` (``setdefault``: the first conftest wins)."""
    home = Path(tempfile.mkdtemp(prefix=prefix))
    atexit.register(shutil.rmtree, home, ignore_errors=True)
    for name, value in {
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__DAGS_FOLDER": str(home / "dags"),
        # dag.test() has no scheduler to race with (see [bauplan] resume_delay_seconds).
        "AIRFLOW__BAUPLAN__RESUME_DELAY_SECONDS": "0",
    }.items():
        os.environ.setdefault(name, value)
    Path(os.environ["AIRFLOW__CORE__DAGS_FOLDER"]).mkdir(parents=True, exist_ok=True)


class _CurrentStdout:
    """A stream that writes to the current ``sys.stdout`` (pytest swaps it per test)."""

    def write(self, text: str) -> int:
        return sys.stdout.write(text)

    def flush(self) -> None:
        sys.stdout.flush()


@contextmanager
def migrated_airflow_db() -> Iterator[Path]:
    """Migrate the Airflow DB (idempotent); task logs go to the current stdout meanwhile.

    Airflow's console handler keeps the stream it was created with, and the tests read task
    output with capfd. The root logger is restored afterwards, so later suites (Prefect) see
    logging as they left it.
    """
    root = logging.getLogger()
    result = subprocess.run(
        [str(Path(sys.executable).with_name("airflow")), "db", "migrate"],
        capture_output=True,
        text=True,
        timeout=180,
        env=os.environ.copy(),
    )
    if result.returncode != 0:
        pytest.fail(f"airflow db migrate failed:\n{result.stdout}\n{result.stderr}")
    import airflow  # noqa: F401  (configures Airflow's logging)

    for handler in root.handlers:
        if type(handler) is logging.StreamHandler and handler not in _ROOT_BEFORE[0]:
            handler.setStream(_CurrentStdout())  # type: ignore[arg-type]
    try:
        yield Path(os.environ["AIRFLOW_HOME"])
    finally:
        root.handlers[:] = _ROOT_BEFORE[0]
        root.setLevel(_ROOT_BEFORE[1])


def connection_json(endpoint: str, api_key: str | None, **extra: Any) -> str:
    """An ``AIRFLOW_CONN_*`` value for a ``bauplan`` connection."""
    data: dict[str, Any] = {"conn_type": "bauplan", "extra": {"api_endpoint": endpoint, **extra}}
    if api_key is not None:
        data["password"] = api_key
    return json.dumps(data)


def connect_bauplan_default(emulator: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Make the emulator reachable only through the ``bauplan_default`` connection.

    The ``BAUPLAN_*`` variables the fixture set are removed, so a passing test proves the
    connection (not the environment) carried the endpoint and the key.
    """
    monkeypatch.delenv("BAUPLAN_API_ENDPOINT", raising=False)
    monkeypatch.delenv("BAUPLAN_API_KEY", raising=False)
    monkeypatch.setenv(CONN_ENV, connection_json(emulator.endpoint, emulator.api_key))
    return emulator


def ti_state(dr: Any, task_id: str) -> str | None:
    """The final state of one task instance of a DagRun."""
    ti = dr.get_task_instance(task_id)
    return None if ti is None or ti.state is None else str(ti.state)


def xcom_value(dr: Any, task_id: str, key: str = "return_value") -> Any:
    """An XCom value (deserialized) of a task of a DagRun, or None."""
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session

    with create_session() as session:
        row = (
            session.query(XComModel)
            .filter_by(dag_id=dr.dag_id, run_id=dr.run_id, task_id=task_id, key=key)
            .one_or_none()
        )
        return None if row is None else XComModel.deserialize_value(row)


def when(
    condition: Callable[[], Any], action: Callable[[], Any], timeout: float = 60.0
) -> threading.Thread:
    """Run ``action()`` in a background thread as soon as ``condition()`` is true."""

    def watch() -> None:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if condition():
                action()
                return
            time.sleep(0.005)

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    return thread
