"""Helpers for the example-DAG tests: run a shipped DAG with ``dag.test()``, read results."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

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


def when(condition: Callable[[], bool], action: Callable[[], Any], timeout: float = 60.0) -> None:
    """Run ``action()`` in a background thread as soon as ``condition()`` is true."""

    def watch() -> None:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if condition():
                action()
                return
            time.sleep(0.01)

    threading.Thread(target=watch, daemon=True).start()
