"""Following one submitted Bauplan job to its end inside Prefect: the logic every task shares.

wait (core's policy + Prefect's stop rules) -> context (best effort) -> logs into the run log
-> markdown artifact -> result, or the Bauplan error (FAIL / ABORT), or a Cancelled state.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from prefect.states import State

from bauplan_provider.core import (
    DEFAULT_MAX_LOG_LINES,
    BauplanClient,
    BauplanConfigError,
    BauplanJobError,
    Job,
    JobContextInfo,
    WaitPolicy,
    deadline_from_timeout,
)

from ._waiting import await_job_in_prefect, wait_for_job_in_prefect
from .artifacts import publish_job_summary, publish_job_summary_async
from .credentials import BauplanCredentials
from .results import BauplanJobResult

__all__ = [
    "DEFAULT_TRANSIENT_ERROR_WINDOW",
    "FollowSettings",
    "client_for",
    "follow_job",
    "follow_job_async",
    "run_logger",
]

Log = logging.Logger | logging.LoggerAdapter[logging.Logger]
DEFAULT_TRANSIENT_ERROR_WINDOW = WaitPolicy().transient_error_window


def run_logger() -> Log:
    """Prefect's run logger inside a flow or task run, else the package logger."""
    from prefect.exceptions import MissingContextError
    from prefect.logging import get_run_logger

    try:
        return get_run_logger()
    except MissingContextError:
        return logging.getLogger("bauplan_provider.prefect")


def client_for(credentials: BauplanCredentials | None) -> BauplanClient:
    """The core client for a credentials block, or the SDK's default credentials."""
    if credentials is None:
        return BauplanClient()
    if not isinstance(credentials, BauplanCredentials):
        raise BauplanConfigError(
            f"credentials must be a BauplanCredentials block (or None for the SDK's default "
            f"credentials), got {type(credentials).__name__}.",
            field="credentials",
        )
    return credentials.get_client()


@dataclass(frozen=True)
class FollowSettings:
    """How to follow a job: polling, timeout, logs. Validated before anything is submitted."""

    policy: WaitPolicy
    deadline: float | None
    fetch_logs: bool
    max_log_lines: int

    @classmethod
    def build(
        cls,
        *,
        poll_interval: float = 2.0,
        max_poll_interval: float = 30.0,
        timeout: float | timedelta | None = None,
        fetch_logs: bool = True,
        max_log_lines: int = DEFAULT_MAX_LOG_LINES,
        transient_error_window: float = DEFAULT_TRANSIENT_ERROR_WINDOW,
    ) -> FollowSettings:
        """Check the settings (BauplanConfigError naming the field); the timeout starts now."""
        if isinstance(max_log_lines, bool) or not isinstance(max_log_lines, int):
            raise BauplanConfigError(
                f"max_log_lines must be an integer >= 0, got {max_log_lines!r}.",
                field="max_log_lines",
            )
        if max_log_lines < 0:
            raise BauplanConfigError(
                f"max_log_lines must be >= 0, got {max_log_lines!r}.", field="max_log_lines"
            )
        return cls(
            policy=WaitPolicy(
                poll_interval=poll_interval,
                max_poll_interval=max_poll_interval,
                transient_error_window=transient_error_window,
            ),
            deadline=deadline_from_timeout(timeout),
            fetch_logs=bool(fetch_logs),
            max_log_lines=max_log_lines,
        )


def _result(job: Job, context: JobContextInfo | None) -> BauplanJobResult:
    return BauplanJobResult(
        job=job,
        project_name=context.project_name if context else None,
        ref=context.ref if context else None,
    )


def finish_job(
    client: BauplanClient, job: Job, settings: FollowSettings, log: Log
) -> BauplanJobResult:
    """For a terminal job: logs into the run log, artifact, then the result or its error."""
    context = client.fetch_context_best_effort(job.id, log=log)
    try:
        client.conclude_job(
            job,
            log.info,
            fetch_logs=settings.fetch_logs,
            max_log_lines=settings.max_log_lines,
            log=log,
        )
    except BauplanJobError:
        publish_job_summary(job, context, log, secret=client.credentials.api_key)
        raise
    publish_job_summary(job, context, log, secret=client.credentials.api_key)
    log.info("Bauplan job %s completed.", job.id)
    return _result(job, context)


async def finish_job_async(
    client: BauplanClient, job: Job, settings: FollowSettings, log: Log
) -> BauplanJobResult:
    """Async form of :func:`finish_job` (the SDK runs in worker threads)."""
    context = await asyncio.to_thread(client.fetch_context_best_effort, job.id, log=log)
    try:
        await client.conclude_job_async(
            job,
            log.info,
            fetch_logs=settings.fetch_logs,
            max_log_lines=settings.max_log_lines,
            log=log,
        )
    except BauplanJobError:
        await publish_job_summary_async(job, context, log, secret=client.credentials.api_key)
        raise
    await publish_job_summary_async(job, context, log, secret=client.credentials.api_key)
    log.info("Bauplan job %s completed.", job.id)
    return _result(job, context)


def follow_job(
    client: BauplanClient, job_id: str, settings: FollowSettings, log: Log
) -> BauplanJobResult | State[Any]:
    """Wait for a submitted job and finish it (see the module docs)."""
    outcome = wait_for_job_in_prefect(
        client, job_id, policy=settings.policy, deadline=settings.deadline, log=log
    )
    if isinstance(outcome, State):
        return outcome
    return finish_job(client, outcome, settings, log)


async def follow_job_async(
    client: BauplanClient, job_id: str, settings: FollowSettings, log: Log
) -> BauplanJobResult | State[Any]:
    """Async form of :func:`follow_job`; never blocks the event loop."""
    outcome = await await_job_in_prefect(
        client, job_id, policy=settings.policy, deadline=settings.deadline, log=log
    )
    if isinstance(outcome, State):
        return outcome
    return await finish_job_async(client, outcome, settings, log)
