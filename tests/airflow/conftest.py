"""Airflow test setup: a private AIRFLOW_HOME with a migrated SQLite DB, DAG files, helpers.

The environment is chosen at import time, before any test module imports airflow (see
``tests/airflow_setup.py``, shared with tests/examples).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from airflow_setup import connect_bauplan_default, migrated_airflow_db, use_private_airflow_home
from airflow_support import DagRunner

use_private_airflow_home("bauplan-airflow-tests-")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "deployment: starts a real Airflow deployment (api-server, scheduler, dag-processor, "
        "triggerer); part of the default run",
    )


@pytest.fixture(scope="package", autouse=True)
def airflow_db() -> Iterator[Path]:
    """Migrate the Airflow DB once for this package."""
    with migrated_airflow_db() as home:
        yield home


@pytest.fixture
def emulator(bauplan_emulator: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The emulator, reachable only through the ``bauplan_default`` connection."""
    return connect_bauplan_default(bauplan_emulator, monkeypatch)


@pytest.fixture
def dags() -> Iterator[DagRunner]:
    runner = DagRunner()
    yield runner
    runner.cleanup()
