"""A real Prefect server (``prefect_test_harness``) for the whole tests/prefect session.

See ``tests/prefect_setup.py`` (shared with tests/examples/flows).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from prefect_setup import prefect_harness, subprocess_env


@pytest.fixture(scope="session")
def prefect_home() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="bauplan-prefect-home-") as path:
        yield Path(path)


@pytest.fixture(scope="session", autouse=True)
def prefect_server(prefect_home: Path) -> Iterator[str]:
    """Start the harness once; yield its API URL."""
    with prefect_harness(prefect_home) as url:
        yield url


@pytest.fixture
def prefect_env(prefect_server: str, prefect_home: Path) -> dict[str, str]:
    """Environment for a subprocess talking to the harness (and nothing else)."""
    return subprocess_env(prefect_server, prefect_home)
