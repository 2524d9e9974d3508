"""Helpers for the Prefect tests: read logs, artifacts and runs back from the Prefect API."""

from __future__ import annotations

import time
from typing import Any
from uuid import UUID


def flush_logs() -> None:
    """Send every buffered run log line to the API now."""
    from prefect.logging.handlers import APILogWorker

    APILogWorker.drain_all(timeout=10)


def flow_run_logs(flow_run_id: UUID, *, settle: float = 0.5) -> list[str]:
    """Every log message of a flow run and its task runs, read back from the Prefect API."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import LogFilter, LogFilterFlowRunId
    from prefect.client.schemas.sorting import LogSort

    flush_logs()
    time.sleep(settle)
    with get_client(sync_client=True) as client:
        logs = client.read_logs(
            log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=[flow_run_id])),
            sort=LogSort.TIMESTAMP_ASC,
            limit=200,
        )
    return [log.message for log in logs]


def flow_run_artifacts(flow_run_id: UUID, kind: str | None = "markdown") -> list[Any]:
    """Artifacts of a flow run and its task runs (markdown only unless ``kind`` is None)."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[flow_run_id]))
        )
    return [a for a in artifacts if kind is None or a.type == kind]


def read_flow_run(flow_run_id: UUID) -> Any:
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        return client.read_flow_run(flow_run_id)


def wait_until(predicate: Any, timeout: float, what: str, interval: float = 0.1) -> Any:
    """Poll ``predicate`` until truthy; fail naming ``what`` after ``timeout`` seconds."""
    end = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > end:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)


def task_runs_of(flow_run_id: UUID) -> list[Any]:
    """The task runs of a flow run."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    with get_client(sync_client=True) as client:
        return list(
            client.read_task_runs(
                flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id]))
            )
        )
