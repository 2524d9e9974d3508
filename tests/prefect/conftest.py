"""A real Prefect server (``prefect_test_harness``) for the whole tests/prefect session.

Prefect's settings are changed only inside a settings context (never in ``os.environ``), so
Airflow tests in the same pytest process see nothing of this. Subprocesses get the values
explicitly through :func:`prefect_env`.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

HARNESS_STARTUP_TIMEOUT = 120


@pytest.fixture(scope="session")
def prefect_home() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="bauplan-prefect-home-") as path:
        yield Path(path)


@pytest.fixture(scope="session", autouse=True)
def prefect_server(prefect_home: Path) -> Iterator[str]:
    """Start the harness once; yield its API URL."""
    from prefect.settings import (
        PREFECT_API_URL,
        PREFECT_HOME,
        PREFECT_LOCAL_STORAGE_PATH,
        PREFECT_LOGGING_TO_API_BATCH_INTERVAL,
        PREFECT_MEMO_STORE_PATH,
        PREFECT_SERVER_ANALYTICS_ENABLED,
        temporary_settings,
    )
    from prefect.testing.utilities import prefect_test_harness

    updates: dict[Any, Any] = {
        PREFECT_HOME: str(prefect_home),
        PREFECT_LOCAL_STORAGE_PATH: str(prefect_home / "storage"),
        PREFECT_MEMO_STORE_PATH: str(prefect_home / "memo_store.toml"),
        PREFECT_SERVER_ANALYTICS_ENABLED: False,
        PREFECT_LOGGING_TO_API_BATCH_INTERVAL: 0.3,
    }
    with (
        temporary_settings(updates=updates, restore_defaults={PREFECT_API_URL}),
        prefect_test_harness(server_startup_timeout=HARNESS_STARTUP_TIMEOUT),
    ):
        url = PREFECT_API_URL.value()
        assert url, "the Prefect test harness set no API URL"
        yield str(url)


@pytest.fixture
def prefect_env(prefect_server: str, prefect_home: Path) -> dict[str, str]:
    """Environment for a subprocess talking to the harness server (and nothing else)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(
        PREFECT_API_URL=prefect_server,
        PREFECT_HOME=str(prefect_home),
        PREFECT_LOCAL_STORAGE_PATH=str(prefect_home / "storage"),
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        PREFECT_MEMO_STORE_PATH=str(prefect_home / "memo_store.toml"),
        PREFECT_RUNNER_POLL_FREQUENCY="1",
        PREFECT_LOGGING_TO_API_BATCH_INTERVAL="0.3",
    )
    return env
