"""Helpers for the example-flow tests: import a shipped flow file, read a run back."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any
from uuid import UUID

FLOWS = Path(__file__).resolve().parents[3] / "flows_examples"
MODEL_LINES = tuple(
    f"[stdout] INFO: Running model {model}."
    for model in ("trips_clean", "trips_daily_by_zone", "zone_names")
)


def load_example(name: str) -> ModuleType:
    """Import ``flows_examples/<name>.py`` by path, as a module (its ``__main__`` guard off).

    The module is registered in ``sys.modules``, as a normal import would do (Prefect finds
    a flow's file through its module when building a deployment).
    """
    spec = importlib.util.spec_from_file_location(f"flows_examples_{name}", FLOWS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def flow_run_logs(flow_run_id: UUID) -> list[str]:
    """Every log message of a flow run and its task runs, read back from the Prefect API."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import LogFilter, LogFilterFlowRunId
    from prefect.client.schemas.sorting import LogSort
    from prefect.logging.handlers import APILogWorker

    APILogWorker.drain_all(timeout=10)
    with get_client(sync_client=True) as client:
        logs = client.read_logs(
            log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=[flow_run_id])),
            sort=LogSort.TIMESTAMP_ASC,
        )
    return [log.message for log in logs]


def read_flow_run(flow_run_id: UUID) -> Any:
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        return client.read_flow_run(flow_run_id)
