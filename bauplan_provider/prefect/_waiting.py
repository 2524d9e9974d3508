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
import time
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
# How long past the flow's own timeout_seconds a wait gives Prefect to stop the run before
# it stops by itself.
FLOW_TIMEOUT_GRACE_SECONDS = 3.0

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


def _flow_timeout() -> tuple[float, float] | None:
    """(deadline in epoch seconds, timeout_seconds) of the running flow, if it has a timeout."""
    from prefect.context import FlowRunContext

    context = FlowRunContext.get()
    timeout = getattr(getattr(context, "flow", None), "timeout_seconds", None)
    start = getattr(context, "start_time", None)
    if not timeout or start is None:
        return None
    return start.timestamp() + float(timeout), float(timeout)


class _FlowRunWatch:
    """Remembers what ended a wait; a failed read never stops the wait.

    Besides the flow run's state it keeps the flow's own ``timeout_seconds``: Prefect cannot
    always deliver that timeout (a sync flow blocked in ``future.result()`` when SIGALRM is
    taken, or a flow off the main thread), and then the run would never end while the job
    runs on. The watch stops the wait itself once the timeout is well past.
    """

    def __init__(self, flow_run_id: UUID, log: Log) -> None:
        self.flow_run_id = flow_run_id
        self.log = log
        self.state: State[Any] | None = None
        self.flow_timeout = _flow_timeout()
        self.timed_out = False

    def past_flow_timeout(self) -> bool:
        if self.flow_timeout is None:
            return False
        deadline, _ = self.flow_timeout
        self.timed_out = time.time() > deadline + FLOW_TIMEOUT_GRACE_SECONDS
        return self.timed_out

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
        if self.timed_out and self.flow_timeout is not None:
            return (
                f"flow run {self.flow_run_id} ran past its timeout_seconds="
                f"{self.flow_timeout[1]:g} and Prefect could not stop it"
            )
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


class _Stop:
    """What to do once the flow run's state ended a wait (the job is already cancelled).

    ``state`` is the task's Cancelled state. When the flow run is being cancelled and no
    runner owns this process, nobody else will finish that cancellation: ``finish_flow_run``
    says so, the caller sets ``state`` on the flow run and reports back with :meth:`done`.
    """

    def __init__(self, watch: _FlowRunWatch, cancel_note: str) -> None:
        self.watch = watch
        self.state: State[Any] = Cancelled(
            message=f"Stopped waiting because the {watch.describe()}. {cancel_note}"
        )
        self.finish_flow_run = (
            watch.state is not None
            and watch.state.type is StateType.CANCELLING
            and not _runner_owns_this_process()
        )

    def done(self, error: Exception | None) -> State[Any]:
        """The task's final state, once the flow run was (or could not be) marked Cancelled."""
        run = self.watch.flow_run_id
        if error is not None:
            self.watch.log.warning("Could not mark flow run %s Cancelled: %s", run, error)
            return self.state
        self.watch.log.warning(
            "Marked flow run %s Cancelled: no runner or worker owns this process to finish "
            "the cancellation.",
            run,
        )
        # future.result() on a Cancelled task raises the state's exception. Prefect's flow
        # engine turns an ordinary exception into Failed (overwriting the Cancelled just
        # set), but lets Abort ("the API says this run must exit") through untouched.
        message = self.state.message or "Flow run cancelled."
        return Cancelled(message=self.state.message, data=Abort(message))


def _wait_options(policy: WaitPolicy, deadline: float | None, log: Log) -> dict[str, Any]:
    """What every Prefect wait passes to core: the policy, status lines, cancel at deadline."""
    return {
        "policy": policy,
        "deadline": deadline,
        "on_status_change": lambda job: log.info(describe_job(job)),
        "cancel_on_deadline": True,
        "log": log,
    }


def _stopping_note(job_id: str, exc: BaseException) -> str:
    return f"Stopped waiting for Bauplan job {job_id} ({type(exc).__name__}): cancelling it."


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
    options = _wait_options(policy, deadline, log)
    flow_run_id = current_flow_run_id()
    try:
        if flow_run_id is None:
            return client.wait_for_job(job_id, **options)
        watch = _FlowRunWatch(flow_run_id, log)
        with get_client(sync_client=True) as prefect_client:

            def should_stop() -> bool:
                if watch.past_flow_timeout():
                    return True
                try:
                    return watch.judge(prefect_client.read_flow_run(flow_run_id))
                except Exception as exc:
                    return watch.read_failed(exc)

            try:
                return client.wait_for_job(
                    job_id,
                    should_stop=should_stop,
                    stop_check_interval=FLOW_RUN_CHECK_INTERVAL,
                    **options,
                )
            except BauplanWaitStoppedError:
                log.warning("The %s: cancelling Bauplan job %s.", watch.describe(), job_id)
                outcome = client.stop_job(job_id, confirm_timeout=CANCEL_CONFIRM_SECONDS, log=log)
                stop = _Stop(watch, outcome.message)
                if not stop.finish_flow_run:
                    return stop.state
                try:
                    prefect_client.set_flow_run_state(flow_run_id, stop.state.model_copy())
                except Exception as exc:
                    return stop.done(exc)
                return stop.done(None)
    except BauplanDeadlineError:
        raise  # core already cancelled the job and said so
    except BaseException as exc:
        log.warning(_stopping_note(job_id, exc))
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
    options = _wait_options(policy, deadline, log)
    flow_run_id = current_flow_run_id()
    try:
        if flow_run_id is None:
            return await client.wait_for_job_async(job_id, **options)
        watch = _FlowRunWatch(flow_run_id, log)
        async with get_client() as prefect_client:

            async def should_stop() -> bool:
                if watch.past_flow_timeout():
                    return True
                try:
                    return watch.judge(await prefect_client.read_flow_run(flow_run_id))
                except Exception as exc:
                    return watch.read_failed(exc)

            try:
                return await client.wait_for_job_async(
                    job_id,
                    should_stop=should_stop,
                    stop_check_interval=FLOW_RUN_CHECK_INTERVAL,
                    **options,
                )
            except BauplanWaitStoppedError:
                log.warning("The %s: cancelling Bauplan job %s.", watch.describe(), job_id)
                outcome = await client.stop_job_async(
                    job_id, confirm_timeout=CANCEL_CONFIRM_SECONDS, log=log
                )
                stop = _Stop(watch, outcome.message)
                if not stop.finish_flow_run:
                    return stop.state
                try:
                    await prefect_client.set_flow_run_state(flow_run_id, stop.state.model_copy())
                except Exception as exc:
                    return stop.done(exc)
                return stop.done(None)
    except BauplanDeadlineError:
        raise
    except BaseException as exc:
        log.warning(_stopping_note(job_id, exc))
        # Prefect's timeouts cancel through an anyio scope: shield the cleanup from it.
        with anyio.CancelScope(shield=True):
            await client.stop_job_async(job_id, confirm_timeout=CANCEL_CONFIRM_SECONDS, log=log)
        raise
