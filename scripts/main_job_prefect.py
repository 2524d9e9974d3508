"""The main job's Prefect part: run the example flow ``taxi-daily`` against a local server.

A fresh ``PREFECT_HOME`` (the folder given as the only argument) and a real local Prefect
server (``prefect_test_harness``: an API server with its own database, offline). A
``BauplanCredentials`` block named ``bauplan`` points at the emulator, as a user would save
one. The flow runs in this process; afterwards its logs are read back from the Prefect API,
exactly as the UI shows them. Prefect's own console output goes to ``prefect.log`` in the
home folder.

    python scripts/main_job_prefect.py HOME   # started by scripts/main_job.py
"""

from __future__ import annotations

import importlib.util
import os
import sys
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any
from uuid import UUID

from main_job_support import (
    REPO,
    CapturedOutput,
    PartResult,
    emulator_settings,
    finish_part,
    redact,
    say,
    scrub_environment,
)

FLOW_FILE = REPO / "flows_examples" / "taxi_daily_flow.py"
RUN_DATE = date(2026, 12, 1)
BLOCK_NAME = "bauplan"
SERVER_STARTUP_TIMEOUT = 120


def configure(home: Path) -> None:
    """Prefect's settings for this process, before prefect is imported: a private home."""
    scrub_environment(("PREFECT_", "BAUPLAN_"))
    os.environ.update(
        {
            "PREFECT_HOME": str(home),
            "PREFECT_LOCAL_STORAGE_PATH": str(home / "storage"),
            "PREFECT_MEMO_STORE_PATH": str(home / "memo_store.toml"),
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "PREFECT_LOGGING_TO_API_BATCH_INTERVAL": "0.3",
        }
    )


def load_flow_module() -> ModuleType:
    """Import ``flows_examples/taxi_daily_flow.py`` by path (not as ``__main__``: no serving).

    The pipeline task's retries are kept but made immediate: a failed job would otherwise
    wait out the 10-minute ``retry_delay_seconds`` before each retry.
    """
    spec = importlib.util.spec_from_file_location("taxi_daily_flow", FLOW_FILE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.run_pipeline = module.run_pipeline.with_options(retry_delay_seconds=0)
    return module


def run_log(flow_run_id: UUID) -> list[str]:
    """The flow run's log (its task runs' included), read back from the Prefect API."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        FlowRunFilter,
        FlowRunFilterId,
        LogFilter,
        LogFilterFlowRunId,
    )
    from prefect.client.schemas.sorting import LogSort
    from prefect.logging.handlers import APILogWorker

    APILogWorker.drain_all(timeout=10)
    with get_client(sync_client=True) as client:
        flow_run = client.read_flow_run(flow_run_id)
        task_runs = client.read_task_runs(
            flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id]))
        )
        names = {run.id: f"Task run '{run.name}'" for run in task_runs}
        logs = client.read_logs(
            log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=[flow_run_id])),
            sort=LogSort.TIMESTAMP_ASC,
        )
    lines = []
    for log in logs:
        who = names.get(log.task_run_id, f"Flow run '{flow_run.name}'")  # type: ignore[arg-type]
        level = {10: "DEBUG", 20: "INFO", 30: "WARNING", 40: "ERROR"}.get(log.level, "CRITICAL")
        lines.append(f"{log.timestamp:%H:%M:%S.%f}"[:-3] + f" | {level:7s} | {who} - {log.message}")
    return lines


def run_flow(
    module: ModuleType, endpoint: str, api_key: str, capture: CapturedOutput
) -> tuple[Any, list[str]]:
    """Save the credentials block, run the flow, read its log back. Returns (state, log)."""
    from bauplan_provider.prefect import BauplanCredentials

    BauplanCredentials(api_key=api_key, api_endpoint=endpoint).save(BLOCK_NAME, overwrite=True)
    capture.say(f"Prefect: saved BauplanCredentials block {BLOCK_NAME!r} (api_endpoint={endpoint})")
    capture.say(f"Prefect: running flow 'taxi-daily' ({FLOW_FILE.name}) for {RUN_DATE}")
    state = module.taxi_daily_flow(run_date=RUN_DATE, return_state=True)
    flow_run_id = state.state_details.flow_run_id
    return state, run_log(flow_run_id) if flow_run_id else []


def outcome(state: Any) -> PartResult:
    """Summarise the flow run's final state and the Bauplan job it ran (in one line)."""
    result = state.result(raise_on_failure=False)
    job = getattr(result, "job", None)  # a BauplanJobResult, or a BauplanJobError
    job_ids = [job.id] if job is not None else []
    if not state.is_completed():
        message = next(iter(str(state.message or "").splitlines()), "")
        return PartResult(ok=False, summary=f"flow run {state.name}: {message}", job_ids=job_ids)
    return PartResult(
        ok=True,
        summary=f"flow run {state.name}, Bauplan job {result.job_id} {result.status.value}",
        job_ids=job_ids,
    )


def main(argv: list[str]) -> int:
    home = Path(argv[0])
    endpoint, api_key = emulator_settings()
    configure(home)
    say("Prefect: fresh PREFECT_HOME; starting a local Prefect server (prefect_test_harness)")
    capture = CapturedOutput(home / "prefect.log")
    log: list[str] = []
    try:
        with capture:
            from prefect.testing.utilities import prefect_test_harness

            with prefect_test_harness(server_startup_timeout=SERVER_STARTUP_TIMEOUT):
                module = load_flow_module()
                state, log = run_flow(module, endpoint, api_key, capture)
                result = outcome(state)
    except Exception as exc:  # reported as a result line, with the details below
        result = PartResult(ok=False, summary=f"{type(exc).__name__}: {exc}")
    if log:
        say("Prefect: the flow run's log, read back from the Prefect API:")
    for entry in log:
        first, *more = redact(entry, api_key).splitlines() or [""]
        say("  | " + first)
        for line in more:  # a traceback, say: indented under its log line
            say("  |     " + line)
    return finish_part("prefect", result, capture, api_key, home, explained=bool(log))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
