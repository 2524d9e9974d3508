"""A real local Prefect server (``prefect_test_harness``) for the example-flow tests.

Module-scoped: it is stopped before tests/prefect starts its own. Prefect's settings change
only inside a settings context (never in ``os.environ``), so nothing leaks to other tests.
Nothing here imports airflow: these tests also run in the Prefect-only venv.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from prefect_setup import prefect_harness


@pytest.fixture(scope="module", autouse=True)
def prefect_server() -> Iterator[str]:
    """Start the harness with a private PREFECT_HOME; yield its API URL."""
    with (
        tempfile.TemporaryDirectory(prefix="bauplan-examples-prefect-") as tmp,
        prefect_harness(Path(tmp)) as url,
    ):
        yield url
