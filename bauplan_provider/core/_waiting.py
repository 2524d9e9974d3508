"""The waiting policy shared by every wait in the provider (sync, async, Airflow, Prefect).

:class:`JobWatch` holds all the decisions of one wait and does no I/O; the client's sync and
async loops only fetch, hand the result to the watch, and sleep for as long as it says.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

from ._errors import (
    BauplanAPIError,
    BauplanConfigError,
    BauplanDeadlineError,
    BauplanWaitStoppedError,
)
from ._models import Job, JobStatus

__all__ = ["JobWatch", "WaitPolicy", "deadline_from_timeout", "describe_job"]

logger = logging.getLogger("bauplan_provider")

StatusCallback = Callable[[Job], None]
_ALIGN_SLACK = 0.25
# Asked between polls, at least every ``stop_check_interval`` seconds; True ends the wait.
StopCheck = Callable[[], bool]
AsyncStopCheck = Callable[[], bool | Awaitable[bool]]
DEFAULT_STOP_CHECK_INTERVAL = 2.0


@dataclass(frozen=True)
class WaitPolicy:
    """How to poll a job.

    The first poll interval is ``poll_interval`` seconds; each next one is ``backoff`` times
    longer, up to ``max_poll_interval``. Transient API errors are retried as long as the run of
    consecutive failures lasts less than ``transient_error_window`` seconds (10 minutes by
    default: a short outage must not fail a long pipeline).
    """

    poll_interval: float = 2.0
    max_poll_interval: float = 30.0
    backoff: float = 1.5
    transient_error_window: float = 600.0

    def __post_init__(self) -> None:
        for name in ("poll_interval", "max_poll_interval", "backoff", "transient_error_window"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise BauplanConfigError(
                    f"{name} must be a non-negative number, got {value!r}.", field=name
                )
        if self.poll_interval <= 0:
            raise BauplanConfigError(
                f"poll_interval must be greater than 0, got {self.poll_interval!r}.",
                field="poll_interval",
            )
        if self.max_poll_interval < self.poll_interval:
            raise BauplanConfigError(
                f"max_poll_interval ({self.max_poll_interval}) must be at least poll_interval "
                f"({self.poll_interval}).",
                field="max_poll_interval",
            )
        if self.backoff < 1:
            raise BauplanConfigError(
                f"backoff must be at least 1, got {self.backoff!r}.", field="backoff"
            )


def deadline_from_timeout(
    timeout: float | timedelta | None, *, now: float | None = None
) -> float | None:
    """Turn a relative timeout into an absolute wall-clock deadline (epoch seconds)."""
    if timeout is None:
        return None
    seconds = timeout.total_seconds() if isinstance(timeout, timedelta) else timeout
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or seconds <= 0:
        raise BauplanConfigError(
            f"timeout must be a positive number of seconds or a timedelta, got {timeout!r}.",
            field="timeout",
        )
    return (time.time() if now is None else now) + float(seconds)


def describe_job(job: Job) -> str:
    """One line for a status change: ``Bauplan job 1a2b is RUNNING (Running)``."""
    text = f"Bauplan job {job.id} is {job.status.value}"
    if job.human_readable_status and job.human_readable_status.upper() != job.status.value:
        text += f" ({job.human_readable_status})"
    if job.status is JobStatus.FAIL and job.error_message:
        text += f": {job.error_message}"
    return text


class JobWatch:
    """The state of one wait for one job: intervals, deadline, error window, status changes."""

    def __init__(
        self,
        job_id: str,
        policy: WaitPolicy | None = None,
        *,
        deadline: float | None = None,
        on_status_change: StatusCallback | None = None,
        log: logging.Logger | logging.LoggerAdapter[logging.Logger] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.job_id = job_id
        self.policy = policy or WaitPolicy()
        self.deadline = deadline
        self.last_job: Job | None = None
        self.errors_delivered = 0
        self._on_status_change = on_status_change
        self.log = log or logger
        self._clock = clock
        self._interval = self.policy.poll_interval
        self._failing_since: float | None = None

    def seconds_left(self) -> float | None:
        """Seconds until the deadline (never negative), or None without one."""
        if self.deadline is None:
            return None
        return max(0.0, self.deadline - self._clock())

    def deadline_passed(self) -> bool:
        """True once the absolute deadline is reached."""
        return self.deadline is not None and self._clock() >= self.deadline

    def record(self, job: Job) -> bool:
        """Take a fresh job record; True when the job is terminal and the wait is over."""
        self._failing_since = None
        previous = self.last_job
        self.last_job = job
        changed = previous is None or previous.status is not job.status
        if changed and self._on_status_change is not None:
            self._on_status_change(job)
        return job.is_terminal

    def record_error(self, error: BauplanAPIError) -> None:
        """Take a failed poll: raise it if permanent or if failures outlast the window."""
        if not error.transient:
            raise error
        self.errors_delivered += 1
        now = self._clock()
        if self._failing_since is None:
            self._failing_since = now
        failing_for = now - self._failing_since
        if failing_for >= self.policy.transient_error_window:
            raise type(error)(
                f"Bauplan API kept failing for {failing_for:.0f} s while waiting for job "
                f"{self.job_id} (transient_error_window={self.policy.transient_error_window:g} "
                f"s); last error: {error}",
                code=error.code,
                operation=error.operation,
            ) from None
        self.log.warning(
            "Transient Bauplan API error while waiting for job %s (will retry; failing for "
            "%.0f s of a %g s window): %s",
            self.job_id,
            failing_for,
            self.policy.transient_error_window,
            error,
        )

    def next_sleep(self, *, aligned: bool = False) -> float:
        """Seconds to sleep before the next poll (backs off; never sleeps past the deadline).

        ``aligned`` (batched polling) ends the sleep on a wall-clock grid shared by every
        wait: a grid of ``max_poll_interval`` once the interval is capped, of one second
        before, so that waits polling at the same cadence poll in the same instant.
        """
        interval = self._interval
        self._interval = min(self._interval * self.policy.backoff, self.policy.max_poll_interval)
        if aligned:
            now = self._clock()
            capped = interval >= self.policy.max_poll_interval
            grid = interval if capped else min(interval, 1.0)
            # The slack keeps a wake-up that is a little late from skipping a grid point.
            target = math.ceil((now + interval - _ALIGN_SLACK * grid) / grid) * grid
            interval = max(target - now, 0.0)
        left = self.seconds_left()
        return interval if left is None else min(interval, left)

    def stopped_error(self) -> BauplanWaitStoppedError:
        """The error to raise when the caller's ``should_stop`` check ended the wait."""
        status = self.last_job.status.value if self.last_job else "unknown"
        return BauplanWaitStoppedError(
            f"Stopped waiting for Bauplan job {self.job_id} (last status {status}) because the "
            "caller asked to; the job was left as it was.",
            job=self.last_job,
        )

    def deadline_error(self, *, cancelled: bool, cancel_note: str = "") -> BauplanDeadlineError:
        """The error to raise when the deadline passed."""
        status = self.last_job.status.value if self.last_job else "unknown"
        action = "it was cancelled" if cancelled else "it was left running"
        message = (
            f"Timed out waiting for Bauplan job {self.job_id} (last status {status}); {action}."
        )
        if cancel_note:
            message += f" {cancel_note}"
        return BauplanDeadlineError(message, job=self.last_job, cancelled=cancelled)
