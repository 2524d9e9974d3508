"""``BauplanJobTrigger``: waits for a Bauplan job in the triggerer and fires one event.

The classpath ``bauplan_provider.airflow.triggers.BauplanJobTrigger`` is stored in Airflow's
database by every deferred task: it is public and must never move.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

from airflow.triggers.base import BaseTrigger, TriggerEvent

from bauplan_provider.core import (
    BauplanClient,
    BauplanDeadlineError,
    BauplanProviderError,
    Job,
    WaitPolicy,
    describe_job,
    redact,
)

from ._logging import core_log
from .events import EVENT_STATUS_BY_JOB_STATUS, JobEvent
from .hooks import DEFAULT_CONN_ID, BauplanHook

__all__ = ["BauplanJobTrigger"]

CLASSPATH = "bauplan_provider.airflow.triggers.BauplanJobTrigger"
#: Seconds ``on_kill`` waits for the job to read ABORT after asking Bauplan to cancel it
#: (Airflow gives ``on_kill`` 30 s by default: ``[triggerer] on_kill_timeout``).
ON_KILL_CONFIRM_SECONDS = 10.0
#: Default seconds after the deferral before an event may fire (Airflow config
#: ``[bauplan] resume_delay_seconds``). Airflow 3.3's scheduler fails a task that resumes
#: before it has processed the executor's report of the deferring try ("finished with state
#: success, but the task instance's state attribute is queued"; apache/airflow#67287, #71580):
#: a job ending within moments of the deferral would fail the task, and a retry would run the
#: pipeline again. The report comes when the deferring worker process has finished, which on a
#: loaded machine was seen 5 s after the deferral (the scheduler handled it 1 s later).
RESUME_DELAY_SECONDS = 15.0


def resume_not_before() -> float:
    """The earliest moment (epoch seconds) a trigger deferred now may fire its event."""
    from airflow.sdk import conf

    delay = conf.getfloat("bauplan", "resume_delay_seconds", fallback=RESUME_DELAY_SECONDS)
    return time.time() + max(0.0, delay)


class BauplanJobTrigger(BaseTrigger):
    """Poll a Bauplan job until it ends, its deadline passes or the API keeps failing.

    Serialized state is only data, never credentials: the job id, the connection id (the
    trigger reads the connection itself, with Airflow's async API), poll settings, the
    *absolute* deadline (epoch seconds, so a triggerer restart does not extend it) and flags.

    Yields exactly one event whose payload is a :class:`~.events.JobEvent` dict: ``status``
    is ``success``, ``failed``, ``cancelled``, ``timeout`` or ``error``; ``job`` is the last
    job record (``Job.to_dict()``) or None; ``message`` says what happened.

    When a user marks the deferred task failed or success, or clears it, Airflow calls
    :meth:`on_kill` and the Bauplan job is cancelled (``cancel_on_kill``). A triggerer
    restart or a move to another triggerer does not call it: the job keeps running and the
    next triggerer resumes polling.

    ``resume_not_before`` (epoch seconds, set by the operators and the sensor to the
    deferral plus ``[bauplan] resume_delay_seconds``) holds back an event that is ready
    sooner, because Airflow 3.3 can fail a task that resumes too quickly (see
    :data:`RESUME_DELAY_SECONDS`).

    With ``batched_polling`` (the default) every trigger of the triggerer that uses the same
    credentials polls through one shared ``GetJobs`` call per instant (⌈N/500⌉ calls per
    interval for N jobs instead of N); ``False`` polls once per trigger, as other providers do.
    """

    def __init__(
        self,
        job_id: str,
        bauplan_conn_id: str = DEFAULT_CONN_ID,
        poll_interval: float = 2.0,
        max_poll_interval: float = 30.0,
        deadline: float | None = None,
        cancel_on_timeout: bool = True,
        cancel_on_kill: bool = True,
        transient_error_window: float = 600.0,
        batched_polling: bool = True,
        resume_not_before: float | None = None,
    ) -> None:
        super().__init__()
        self.job_id = job_id
        self.bauplan_conn_id = bauplan_conn_id
        self.poll_interval = float(poll_interval)
        self.max_poll_interval = float(max_poll_interval)
        self.deadline = None if deadline is None else float(deadline)
        self.cancel_on_timeout = bool(cancel_on_timeout)
        self.cancel_on_kill = bool(cancel_on_kill)
        self.transient_error_window = float(transient_error_window)
        self.batched_polling = bool(batched_polling)
        self.resume_not_before = None if resume_not_before is None else float(resume_not_before)
        self._event_fired = False
        self._hook: BauplanHook | None = None

    def serialize(self) -> tuple[str, dict[str, Any]]:
        """The classpath and plain keyword arguments (no secret) that rebuild this trigger."""
        return (
            CLASSPATH,
            {
                "job_id": self.job_id,
                "bauplan_conn_id": self.bauplan_conn_id,
                "poll_interval": self.poll_interval,
                "max_poll_interval": self.max_poll_interval,
                "deadline": self.deadline,
                "cancel_on_timeout": self.cancel_on_timeout,
                "cancel_on_kill": self.cancel_on_kill,
                "transient_error_window": self.transient_error_window,
                "batched_polling": self.batched_polling,
                "resume_not_before": self.resume_not_before,
            },
        )

    @property
    def policy(self) -> WaitPolicy:
        """The core wait policy built from the serialized poll settings."""
        return WaitPolicy(
            poll_interval=self.poll_interval,
            max_poll_interval=max(self.max_poll_interval, self.poll_interval),
            transient_error_window=self.transient_error_window,
        )

    async def _client(self) -> BauplanClient:
        if self._hook is None:
            self._hook = BauplanHook(self.bauplan_conn_id)
        return await self._hook.aget_conn()

    def _log_status(self, job: Job) -> None:
        self.log.info(describe_job(job))

    async def run(self) -> AsyncIterator[TriggerEvent]:
        """Poll until the job is terminal (or the deadline / an error), then yield one event."""
        self.log.info(
            "Waiting for Bauplan job %s (poll every %g-%g s, deadline %s).",
            self.job_id,
            self.poll_interval,
            self.max_poll_interval,
            "none" if self.deadline is None else f"{self.deadline:.0f} (epoch s)",
        )
        event = await self._wait()
        await self._hold_until_resumable()
        self._event_fired = True
        yield TriggerEvent(event.to_payload())

    async def _hold_until_resumable(self) -> None:
        """Wait out ``resume_not_before`` (see :data:`RESUME_DELAY_SECONDS`); a no-op after a
        triggerer restart, when that moment has long passed."""
        if self.resume_not_before is None:
            return
        left = self.resume_not_before - time.time()
        if left > 0:
            self.log.info(
                "Bauplan job %s ended right after the deferral: resuming the task in %.1f s, "
                "once Airflow has registered the deferral.",
                self.job_id,
                left,
            )
            await asyncio.sleep(left)

    async def _wait(self) -> JobEvent:
        api_key: str | None = None
        try:
            client = await self._client()
            api_key = client.credentials.api_key
            job = await client.wait_for_job_async(
                self.job_id,
                policy=self.policy,
                deadline=self.deadline,
                on_status_change=self._log_status,
                cancel_on_deadline=self.cancel_on_timeout,
                log=core_log(self.log),
                # Triggers in one triggerer share a loop: their polls join one GetJobs call.
                batched=self.batched_polling,
            )
        except BauplanDeadlineError as exc:
            self.log.warning("%s", exc)
            return JobEvent(
                status="timeout",
                job_id=self.job_id,
                job=exc.job.to_dict() if exc.job else None,
                message=str(exc),
                cancelled=exc.cancelled,
            )
        except BauplanProviderError as exc:
            self.log.error("Stopped waiting for Bauplan job %s: %s", self.job_id, exc)
            return JobEvent(status="error", job_id=self.job_id, message=str(exc))
        except Exception as exc:  # anything else must still end in one event, not a crash
            text = redact(f"{type(exc).__name__}: {exc}", api_key)
            self.log.exception("Unexpected error while waiting for Bauplan job %s", self.job_id)
            return JobEvent(status="error", job_id=self.job_id, message=text)
        status = EVENT_STATUS_BY_JOB_STATUS.get(job.status, "error")
        return JobEvent(
            status=status,
            job_id=self.job_id,
            job=job.to_dict(),
            message=describe_job(job),
        )

    async def on_kill(self) -> None:
        """Cancel the Bauplan job: a user marked the deferred task failed/success or cleared it.

        Skipped when this trigger already fired its event (the task resumes and owns the job)
        or when ``cancel_on_kill`` is False. Never called on a triggerer restart.
        """
        if self._event_fired:
            self.log.info(
                "Task was stopped after the trigger fired; Bauplan job %s is left as it is.",
                self.job_id,
            )
            return
        if not self.cancel_on_kill:
            self.log.warning(
                "Task was stopped by a user; Bauplan job %s is left running (cancel_on_kill "
                "is False).",
                self.job_id,
            )
            return
        self.log.warning("Task was stopped by a user: cancelling Bauplan job %s.", self.job_id)
        try:
            client = await self._client()
        except BauplanProviderError as exc:
            self.log.error(
                "Could not cancel Bauplan job %s: %s. Stop it with `bauplan job stop %s`.",
                self.job_id,
                exc,
                self.job_id,
            )
            return
        await client.stop_job_async(
            self.job_id, confirm_timeout=ON_KILL_CONFIRM_SECONDS, log=core_log(self.log)
        )
