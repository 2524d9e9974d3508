"""Helpers for the example-DAG tests: run a shipped DAG with ``dag.test()``, read results."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from airflow_setup import ti_state, when, xcom_value

__all__ = [
    "DAY",
    "LOGICAL_DATE",
    "MODEL_LINES",
    "TRIGGER_INLINE",
    "no_retry_delay",
    "poll_fast",
    "ti_state",
    "when",
    "xcom_value",
]

#: The scheduled run of 2026-12-02 00:00 UTC, which processes 2026-12-01.
LOGICAL_DATE = datetime(2026, 12, 2, tzinfo=timezone.utc)
DAY = "2026-12-01"
TRIGGER_INLINE = "[DAG TEST] running trigger in line"
MODEL_LINES = tuple(
    f"[stdout] INFO: Running model {model}."
    for model in ("trips_clean", "trips_daily_by_zone", "zone_names")
)


def poll_fast(dag: Any) -> None:
    """Make every Bauplan task of ``dag`` poll every fraction of a second.

    Only the polling cadence changes (the examples poll every 2-30 s, as production DAGs
    should); everything else runs as shipped.
    """
    for task in dag.tasks:
        if hasattr(task, "max_poll_interval"):
            task.poll_interval, task.max_poll_interval = 0.1, 0.3
        if hasattr(task, "poke_interval"):
            task.poke_interval = 0.2


def no_retry_delay(dag: Any) -> None:
    """Keep the examples' retries but retry at once (dag.test() would sleep the delay)."""
    for task in dag.tasks:
        task.retry_delay = timedelta(0)
