"""The Prefect side of a wait: core's wait, plus what Prefect needs to stop it cleanly.

Core's :meth:`~bauplan_provider.core.BauplanClient.wait_for_job` owns the policy (backoff,
deadline, transient-error window). This module adds the two ways Prefect can stop a wait
(see the project's notes on Prefect cancellation):

- an exception arrives in the waiting code (``TerminationSignal`` when a served run is
  cancelled, a ``CancelledError`` for a task or flow ``timeout_seconds``, ``KeyboardInterrupt``):
  the Bauplan job is cancelled, then the exception is re-raised, never swallowed;
- nothing arrives at all (a task run in a ``.submit()`` thread, a flow called directly from a
  script): the wait reads its own flow run's state every few seconds and, once the run is
  being cancelled or has ended, cancels the Bauplan job and returns a ``Cancelled`` state
  (raising would leave the run stuck in Cancelling).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from typing import Any
from uuid import UUID

import anyio
from prefect.client.orchestration import get_client
from prefect.client.schemas.objects import StateType
from prefect.exceptions import Abort
from prefect.states import Cancelled, State

from bauplan_provider.core import (
    BauplanClient,
    BauplanDeadlineError,
    BauplanWaitStoppedError,
    Job,
    WaitPolicy,
    describe_job,
)

__all__ = ["FLOW_RUN_CHECK_INTERVAL", "await_job_in_prefect", "wait_for_job_in_prefect"]

Log = logging.Logger | logging.LoggerAdapter[logging.Logger]

# How often a wait reads its flow run's state (one small API read per waiting task).
FLOW_RUN_CHECK_INTERVAL = 2.0
# How long an exit path waits for Bauplan to confirm a cancellation. Short: a runner that
# cancels a served run sends SIGKILL 30 s after SIGTERM.
CANCEL_CONFIRM_SECONDS = 5.0

# A flow run in one of these states no longer needs its Bauplan jobs. Paused and scheduled
# (awaiting retry) runs do: their jobs keep going.
_STOP_STATES = frozenset(
    {
        StateType.CANCELLING,
        StateType.CANCELLED,
        StateType.COMPLETED,
        StateType.FAILED,
        StateType.CRASHED,
    }
)


def current_flow_run_id() -> UUID | None:
    """The id of the flow run this code runs in (from a flow, a task or a served process)."""
    from prefect.runtime import flow_run

    value = flow_run.get_id()
    return UUID(str(value)) if value else None


class _FlowRunWatch:
    """Remembers the state that ended a wait; a failed read never stops the wait."""

    def __init__(self, flow_run_id: UUID, log: Log) -> None:
        self.flow_run_id = flow_run_id
        self.log = log
        self.state: State[Any] | None = None

    def judge(self, flow_run: Any) -> bool:
        state = getattr(flow_run, "state", None)
        if state is not None and state.type in _STOP_STATES:
            self.state = state
            return True
        return False

    def read_failed(self, exc: Exception) -> bool:
        self.log.debug("Could not read flow run %s (will retry): %s", self.flow_run_id, exc)
        return False

    def describe(self) -> str:
        if self.state is None:
            return f"flow run {self.flow_run_id} stopped"
        return f"flow run {self.flow_run_id} is {self.state.type.value} ({self.state.name})"


def _runner_owns_this_process() -> bool:
    """True in a process started by a Prefect runner or worker for a flow run.

    Such a runner finishes a cancellation itself (kills the process, runs the
    ``on_cancellation`` hooks, sets Cancelled). A flow called directly has nobody to do that.
    """
    return bool(os.environ.get("PREFECT__FLOW_RUN_ID")) or (
        os.environ.get("PREFECT__ENABLE_CANCELLATION_AND_CRASHED_HOOKS", "").lower() == "false"
    )


def _should_finish_cancellation(watch: _FlowRunWatch) -> bool:
    return (
        watch.state is not None
        and watch.state.type is StateType.CANCELLING
        and not _runner_owns_this_process()
    )


def _finished_note(watch: _FlowRunWatch) -> str:
    return (
        f"Marked flow run {watch.flow_run_id} Cancelled: no runner or worker owns this process "
        "to finish the cancellation."
    )


def _aborting_state(state: State[Any]) -> State[Any]:
    """The task's Cancelled state, carrying ``Abort`` for code that reads its result.

    ``future.result()`` on a Cancelled task raises the state's exception. Prefect's flow
    engine turns an ordinary exception into a Failed state (overwriting the Cancelled we just
    set), but lets ``Abort`` — "the API says this run must exit" — through untouched.
    """
    return Cancelled(message=state.message, data=Abort(state.message or "Flow run cancelled."))


def _status_logger(log: Log) -> Callable[[Job], None]:
    return lambda job: log.info(describe_job(job))


def _cancelled_state(watch: _FlowRunWatch, note: str) -> State[Any]:
    return Cancelled(message=f"Stopped waiting because the {watch.describe()}. {note}")


def wait_for_job_in_prefect(
    client: BauplanClient,
    job_id: str,
    *,
    policy: WaitPolicy,
    deadline: float | None,
    log: Log,
) -> Job | State[Any]:
    """Wait for a job with core's policy; cancel it whenever Prefect stops the wait.

    Returns the terminal job, or a ``Cancelled`` state when the flow run was cancelled (or
    ended) while waiting. At ``deadline`` the job is cancelled and
    :class:`~bauplan_provider.core.BauplanDeadlineError` raised (Prefect reports TimedOut).
    """
    flow_run_id = current_flow_run_id()
    try:
        if flow_run_id is None:
            return client.wait_for_job(
                job_id,
                policy=policy,
                deadline=deadline,
                on_status_change=_status_logger(log),
                cancel_on_deadline=True,
                log=log,
            )
        watch = _FlowRunWatch(flow_run_id, log)
        with get_client(sync_client=True) as prefect_client:

            def should_stop() -> bool:
                try:
                    return watch.judge(prefect_client.read_flow_run(flow_run_id))
                except Exception as exc:
                    return watch.read_failed(exc)

            try:
                return client.wait_for_job(
                    job_id,
                    policy=policy,
                    deadline=deadline,
                    on_status_change=_status_logger(log),
                    cancel_on_deadline=True,
                    log=log,
                    should_stop=should_stop,
                    stop_check_interval=FLOW_RUN_CHECK_INTERVAL,
                )
            except BauplanWaitStoppedError:
                log.warning("The %s: cancelling Bauplan job %s.", watch.describe(), job_id)
                outcome = client.stop_job(job_id, confirm_timeout=CANCEL_CONFIRM_SECONDS, log=log)
                state = _cancelled_state(watch, outcome.message)
                if _should_finish_cancellation(watch):
                    try:
                        prefect_client.set_flow_run_state(flow_run_id, state.model_copy())
                        log.warning(_finished_note(watch))
                    except Exception as exc:
                        log.warning("Could not mark flow run %s Cancelled: %s", flow_run_id, exc)
                    else:
                        state = _aborting_state(state)
                return state
    except BauplanDeadlineError:
        raise  # core already cancelled the job and said so
    except BaseException as exc:
        log.warning(
            "Stopped waiting for Bauplan job %s (%s): cancelling it.", job_id, type(exc).__name__
        )
        client.stop_job(job_id, confirm_timeout=CANCEL_CONFIRM_SECONDS, log=log)
        raise


async def await_job_in_prefect(
    client: BauplanClient,
    job_id: str,
    *,
    policy: WaitPolicy,
    deadline: float | None,
    log: Log,
) -> Job | State[Any]:
    """Async form of :func:`wait_for_job_in_prefect`; never blocks the event loop."""
    flow_run_id = current_flow_run_id()
    try:
        if flow_run_id is None:
            return await client.wait_for_job_async(
                job_id,
                policy=policy,
                deadline=deadline,
                on_status_change=_status_logger(log),
                cancel_on_deadline=True,
                log=log,
            )
        watch = _FlowRunWatch(flow_run_id, log)
        async with get_client() as prefect_client:

            async def should_stop() -> bool:
                try:
                    return watch.judge(await prefect_client.read_flow_run(flow_run_id))
                except Exception as exc:
                    return watch.read_failed(exc)

            try:
                return await client.wait_for_job_async(
                    job_id,
                    policy=policy,
                    deadline=deadline,
                    on_status_change=_status_logger(log),
                    cancel_on_deadline=True,
                    log=log,
                    should_stop=should_stop,
                    stop_check_interval=FLOW_RUN_CHECK_INTERVAL,
                )
            except BauplanWaitStoppedError:
                log.warning("The %s: cancelling Bauplan job %s.", watch.describe(), job_id)
                outcome = await client.stop_job_async(
                    job_id, confirm_timeout=CANCEL_CONFIRM_SECONDS, log=log
                )
                state = _cancelled_state(watch, outcome.message)
                if _should_finish_cancellation(watch):
                    try:
                        await prefect_client.set_flow_run_state(flow_run_id, state.model_copy())
                        log.warning(_finished_note(watch))
                    except Exception as exc:
                        log.warning("Could not mark flow run %s Cancelled: %s", flow_run_id, exc)
                    else:
                        state = _aborting_state(state)
                return state
    except BauplanDeadlineError:
        raise
    except BaseException as exc:
        log.warning(
            "Stopped waiting for Bauplan job %s (%s): cancelling it.", job_id, type(exc).__name__
        )
        # Prefect's timeouts cancel through an anyio scope: shield the cleanup from it.
        with anyio.CancelScope(shield=True):
            await client.stop_job_async(job_id, confirm_timeout=CANCEL_CONFIRM_SECONDS, log=log)
        raise
