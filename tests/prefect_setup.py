"""Prefect test setup shared by tests/prefect and tests/examples/flows: a real local server
(``prefect_test_harness``) with a private PREFECT_HOME, and the environment a subprocess
needs to talk to it.

Prefect's settings are changed only inside a settings context (never in ``os.environ``), so
Airflow tests in the same pytest process see nothing of this.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

HARNESS_STARTUP_TIMEOUT = 120


@contextmanager
def prefect_harness(home: Path) -> Iterator[str]:
    """Start the harness with ``home`` as PREFECT_HOME; yield its API URL."""
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
        PREFECT_HOME: str(home),
        PREFECT_LOCAL_STORAGE_PATH: str(home / "storage"),
        PREFECT_MEMO_STORE_PATH: str(home / "memo_store.toml"),
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


def subprocess_env(api_url: str, home: Path, **extra: str) -> dict[str, str]:
    """Environment for a subprocess talking to the harness server (and nothing else)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(
        PREFECT_API_URL=api_url,
        PREFECT_HOME=str(home),
        PREFECT_LOCAL_STORAGE_PATH=str(home / "storage"),
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        PREFECT_MEMO_STORE_PATH=str(home / "memo_store.toml"),
        PREFECT_RUNNER_POLL_FREQUENCY="1",
        PREFECT_LOGGING_TO_API_BATCH_INTERVAL="0.3",
        **extra,
    )
    return env
