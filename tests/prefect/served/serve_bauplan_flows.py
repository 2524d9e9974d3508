"""Served by tests/prefect/test_prefect_served.py the way users run flows: ``prefect.serve``.

The runner starts each flow run in its own process; the Bauplan SDK reaches the emulator
through the ``BAUPLAN_*`` variables the test puts in this process's environment.
"""

from __future__ import annotations

from typing import Any

from prefect import flow, serve

from bauplan_provider.prefect import bauplan_run

FAST: dict[str, Any] = {"poll_interval": 0.2, "max_poll_interval": 0.5}


@flow(name="served-bauplan-direct")
def served_direct(project_dir: str, ref: str) -> Any:
    """The wait runs on the flow's main thread: Prefect's cancellation signal lands in it."""
    return bauplan_run(project_dir, ref=ref, **FAST)


@flow(name="served-bauplan-submit")
def served_submit(project_dir: str, ref: str) -> Any:
    """The wait runs in a task-runner thread: no signal reaches it, it watches the flow run."""
    return bauplan_run.submit(project_dir, ref=ref, **FAST).result()


if __name__ == "__main__":
    serve(
        served_direct.to_deployment(name="served"),
        served_submit.to_deployment(name="served"),
    )
