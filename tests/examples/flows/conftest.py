"""A real local Prefect server (``prefect_test_harness``) for the example-flow tests.

Module-scoped: it is stopped before tests/prefect starts its own. Prefect's settings change
only inside a settings context (never in ``os.environ``), so nothing leaks to other tests.
Nothing here imports airflow: these tests also run in the Prefect-only venv.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

HARNESS_STARTUP_TIMEOUT = 120


@pytest.fixture(scope="module", autouse=True)
def prefect_server() -> Iterator[str]:
    """Start the harness with a private PREFECT_HOME; yield its API URL."""
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

    with tempfile.TemporaryDirectory(prefix="bauplan-examples-prefect-") as tmp:
        home = Path(tmp)
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
