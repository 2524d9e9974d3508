"""Fixtures for running ``dags_examples/`` with ``dag.test()`` against the emulator.

The DAG files are used where they are: ``dags_examples/`` is linked into the DAGs folder
(``dag.test()`` syncs the DAGs folder's bundle and needs the DAG in it) and the DAGs are
parsed from the real folder by a ``DagBag``, so relative ``project_dir`` paths resolve to
the shipped ``taxi_daily/`` project.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from airflow_setup import connect_bauplan_default, migrated_airflow_db

REPO = Path(__file__).resolve().parents[3]
EXAMPLES = REPO / "dags_examples"


@pytest.fixture(scope="module", autouse=True)
def airflow_db() -> Iterator[None]:
    """Migrate the Airflow DB (idempotent); send task logs to the current stdout."""
    with migrated_airflow_db():
        yield


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
    """The emulator, reachable only through the ``bauplan_default`` connection (as JSON)."""
    return connect_bauplan_default(bauplan_emulator, monkeypatch)
