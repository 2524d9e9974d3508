"""Prefect tasks for Bauplan: the one-call ``bauplan_run`` / ``bauplan_import`` and the pieces.

Sync flows call ``bauplan_run(...)`` (result) or ``bauplan_run.submit(...)`` (future).
Async flows ``await abauplan_run(...)`` — every long-running task has an ``a``-prefixed async
twin (``abauplan_run``, ``abauplan_import``, ``await_for_bauplan_job``) that never blocks the
event loop. A sync task called from an async flow still works but holds the loop while it
waits, and says so in the log.

Rules every task follows:

- Never cached (``NO_CACHE``): a cached submission would skip a run, a cached poll would
  return a stale status.
- A task retry after a *failed job* resubmits (the submission is inside the task body);
  transient API errors while waiting are retried inside the wait (core's time window) and
  never resubmit. Bad input, a rejected key and an uncertain submission are never retried.
- Whenever Prefect stops a wait (flow-run cancellation, a timeout, a kill) the Bauplan job is
  cancelled and the log says so; a cancelled flow run ends Cancelled.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any, cast

from prefect import task
from prefect.cache_policies import NO_CACHE
from prefect.client.schemas.objects import TaskRun
from prefect.states import State

from bauplan_provider.core import (
    DEFAULT_MAX_LOG_LINES,
    BauplanConfigError,
    BauplanPermanentError,
    BauplanProviderError,
    BauplanSubmitUncertainError,
    CancelOutcome,
    Job,
    LogLine,
)

from ._execution import (
    DEFAULT_TRANSIENT_ERROR_WINDOW,
    FollowSettings,
    client_for,
    follow_job,
    follow_job_async,
    run_logger,
)
from .credentials import BauplanCredentials
from .results import BauplanJobResult

__all__ = [
    "abauplan_import",
    "abauplan_run",
    "await_for_bauplan_job",
    "bauplan_import",
    "bauplan_run",
    "cancel_bauplan_job",
    "get_bauplan_job",
    "get_bauplan_job_logs",
    "submit_bauplan_import",
    "submit_bauplan_run",
    "wait_for_bauplan_job",
]


def retry_unless_pointless(task: Any, task_run: TaskRun, state: State[Any]) -> bool:
    """Prefect ``retry_condition_fn``: retry a task unless a retry cannot help or may duplicate.

    Bad input, a rejected key or a missing job fail the same way again; an uncertain
    submission may already have created the job, so retrying could run it twice.
    """
    exc = state.data
    return not isinstance(
        exc, (BauplanConfigError, BauplanPermanentError, BauplanSubmitUncertainError)
    )


_TASK_OPTIONS: dict[str, Any] = {
    "cache_policy": NO_CACHE,
    "retry_condition_fn": retry_unless_pointless,
}


def _warn_if_blocking_a_loop(name: str) -> None:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return
    run_logger().warning(
        "%s is a sync task running on an event loop's thread: it blocks the loop while it "
        "waits. In async flows use `await a%s(...)`.",
        name,
        name,
    )


def _settings(
    poll_interval: float,
    max_poll_interval: float,
    timeout: float | timedelta | None,
    fetch_logs: bool,
    max_log_lines: int,
    transient_error_window: float,
) -> FollowSettings:
    return FollowSettings.build(
        poll_interval=poll_interval,
        max_poll_interval=max_poll_interval,
        timeout=timeout,
        fetch_logs=fetch_logs,
        max_log_lines=max_log_lines,
        transient_error_window=transient_error_window,
    )


# ----- bauplan_run ------------------------------------------------------------------------


@task(name="bauplan_run", **_TASK_OPTIONS)
def bauplan_run(
    project_dir: str | Path,
    *,
    ref: str | None = None,
    namespace: str | None = None,
    parameters: Mapping[str, Any] | None = None,
    cache: bool | None = None,
    transaction: bool | None = None,
    dry_run: bool | None = None,
    strict: bool | None = None,
    preview: str | None = None,
    args: Mapping[str, Any] | None = None,
    priority: int | None = None,
    client_timeout: float | None = None,
    credentials: BauplanCredentials | None = None,
    poll_interval: float = 2.0,
    max_poll_interval: float = 30.0,
    timeout: float | timedelta | None = None,
    fetch_logs: bool = True,
    max_log_lines: int = DEFAULT_MAX_LOG_LINES,
    transient_error_window: float = DEFAULT_TRANSIENT_ERROR_WINDOW,
) -> BauplanJobResult:
    """Run a Bauplan pipeline: submit it detached, wait for it, copy its logs into this run.

    Args:
        project_dir: Folder of the Bauplan project (holding ``bauplan_project.yml``). A
            relative path resolves against the current working directory of the process
            running the flow.
        ref: Branch, tag or commit to run against (Bauplan's default when unset).
        namespace: Namespace for the models' tables.
        parameters: Values for the parameters declared in ``bauplan_project.yml``.
        cache: Use Bauplan's cache (Bauplan's default when unset).
        transaction: Run in a transaction (all or nothing).
        dry_run: Run without materializing tables.
        strict: Fail on warnings.
        preview: Preview mode (``"on"``, ``"off"``, ``"head"``, ``"tail"``).
        args: Extra Bauplan arguments.
        priority: Job priority from 1 to 10.
        client_timeout: Timeout of the submission call, in seconds.
        credentials: A ``BauplanCredentials`` block; ``None`` uses the SDK's default
            credentials (``BAUPLAN_API_KEY``, profile, ``~/.bauplan/config.yaml``).
        poll_interval: First poll interval in seconds; it backs off up to ``max_poll_interval``.
        max_poll_interval: Longest poll interval in seconds.
        timeout: Longest wait (seconds or a timedelta). When it passes, the job is cancelled
            and the task fails TimedOut.
        fetch_logs: Copy the job's Bauplan logs into the Prefect run log when it ends.
        max_log_lines: Keep at most this many (the last) log lines.
        transient_error_window: How long, in seconds, a run of transient API errors is
            retried while waiting (10 minutes by default) before the task fails.

    Returns:
        A :class:`BauplanJobResult` holding the final job record.

    Raises:
        BauplanConfigError: bad input, before anything is submitted.
        BauplanJobFailedError: the job failed (Bauplan's message and the log tail).
        BauplanJobCancelledError: the job was cancelled in Bauplan by someone else.
        BauplanDeadlineError: ``timeout`` passed (the job was cancelled).
    """
    _warn_if_blocking_a_loop("bauplan_run")
    log = run_logger()
    settings = _settings(
        poll_interval, max_poll_interval, timeout, fetch_logs, max_log_lines, transient_error_window
    )
    client = client_for(credentials)
    job_id = client.submit_run(
        project_dir,
        ref=ref,
        namespace=namespace,
        parameters=parameters,
        cache=cache,
        transaction=transaction,
        dry_run=dry_run,
        strict=strict,
        preview=preview,
        args=args,
        priority=priority,
        client_timeout=client_timeout,
    )
    log.info("Submitted Bauplan run %s for project %s.", job_id, project_dir)
    # A Cancelled state (the flow run was cancelled) becomes this task run's final state.
    return cast(BauplanJobResult, follow_job(client, job_id, settings, log))


@task(name="abauplan_run", **_TASK_OPTIONS)
async def abauplan_run(
    project_dir: str | Path,
    *,
    ref: str | None = None,
    namespace: str | None = None,
    parameters: Mapping[str, Any] | None = None,
    cache: bool | None = None,
    transaction: bool | None = None,
    dry_run: bool | None = None,
    strict: bool | None = None,
    preview: str | None = None,
    args: Mapping[str, Any] | None = None,
    priority: int | None = None,
    client_timeout: float | None = None,
    credentials: BauplanCredentials | None = None,
    poll_interval: float = 2.0,
    max_poll_interval: float = 30.0,
    timeout: float | timedelta | None = None,
    fetch_logs: bool = True,
    max_log_lines: int = DEFAULT_MAX_LOG_LINES,
    transient_error_window: float = DEFAULT_TRANSIENT_ERROR_WINDOW,
) -> BauplanJobResult:
    """Async twin of :func:`bauplan_run` for async flows: ``await abauplan_run(...)``.

    Same arguments, result and errors; the SDK runs in worker threads, so the event loop
    is never blocked.
    """
    log = run_logger()
    settings = _settings(
        poll_interval, max_poll_interval, timeout, fetch_logs, max_log_lines, transient_error_window
    )
    client = client_for(credentials)
    job_id = await asyncio.to_thread(
        client.submit_run,
        project_dir,
        ref=ref,
        namespace=namespace,
        parameters=parameters,
        cache=cache,
        transaction=transaction,
        dry_run=dry_run,
        strict=strict,
        preview=preview,
        args=args,
        priority=priority,
        client_timeout=client_timeout,
    )
    log.info("Submitted Bauplan run %s for project %s.", job_id, project_dir)
    return cast(BauplanJobResult, await follow_job_async(client, job_id, settings, log))


# ----- bauplan_import ---------------------------------------------------------------------


@task(name="bauplan_import", **_TASK_OPTIONS)
def bauplan_import(
    table: str,
    search_uri: str,
    *,
    branch: str | None = None,
    namespace: str | None = None,
    continue_on_error: bool | None = None,
    import_duplicate_files: bool | None = None,
    best_effort: bool | None = None,
    preview: str | None = None,
    args: Mapping[str, Any] | None = None,
    priority: int | None = None,
    client_timeout: float | None = None,
    credentials: BauplanCredentials | None = None,
    poll_interval: float = 2.0,
    max_poll_interval: float = 30.0,
    timeout: float | timedelta | None = None,
    fetch_logs: bool = True,
    max_log_lines: int = DEFAULT_MAX_LOG_LINES,
    transient_error_window: float = DEFAULT_TRANSIENT_ERROR_WINDOW,
) -> BauplanJobResult:
    """Import data into a Bauplan table: submit detached, wait, copy the logs into this run.

    Args:
        table: Table to import into.
        search_uri: Where the files are, such as ``s3://bucket/path/*.parquet``.
        branch: Branch to import on (Bauplan's default when unset).
        namespace: Namespace of the table.
        continue_on_error: Keep importing after a file fails.
        import_duplicate_files: Import files that were imported before.
        best_effort: Skip files that do not match the table's schema.
        preview: Preview mode.
        args: Extra Bauplan arguments.
        priority: Job priority from 1 to 10.
        client_timeout, credentials, poll_interval, max_poll_interval, timeout, fetch_logs,
            max_log_lines, transient_error_window: as for :func:`bauplan_run`.

    Returns:
        A :class:`BauplanJobResult` holding the final job record.
    """
    _warn_if_blocking_a_loop("bauplan_import")
    log = run_logger()
    settings = _settings(
        poll_interval, max_poll_interval, timeout, fetch_logs, max_log_lines, transient_error_window
    )
    client = client_for(credentials)
    job_id = client.submit_import(
        table,
        search_uri,
        branch=branch,
        namespace=namespace,
        continue_on_error=continue_on_error,
        import_duplicate_files=import_duplicate_files,
        best_effort=best_effort,
        preview=preview,
        args=args,
        priority=priority,
        client_timeout=client_timeout,
    )
    log.info("Submitted Bauplan import %s into table %s.", job_id, table)
    return cast(BauplanJobResult, follow_job(client, job_id, settings, log))


@task(name="abauplan_import", **_TASK_OPTIONS)
async def abauplan_import(
    table: str,
    search_uri: str,
    *,
    branch: str | None = None,
    namespace: str | None = None,
    continue_on_error: bool | None = None,
    import_duplicate_files: bool | None = None,
    best_effort: bool | None = None,
    preview: str | None = None,
    args: Mapping[str, Any] | None = None,
    priority: int | None = None,
    client_timeout: float | None = None,
    credentials: BauplanCredentials | None = None,
    poll_interval: float = 2.0,
    max_poll_interval: float = 30.0,
    timeout: float | timedelta | None = None,
    fetch_logs: bool = True,
    max_log_lines: int = DEFAULT_MAX_LOG_LINES,
    transient_error_window: float = DEFAULT_TRANSIENT_ERROR_WINDOW,
) -> BauplanJobResult:
    """Async twin of :func:`bauplan_import` for async flows: ``await abauplan_import(...)``."""
    log = run_logger()
    settings = _settings(
        poll_interval, max_poll_interval, timeout, fetch_logs, max_log_lines, transient_error_window
    )
    client = client_for(credentials)
    job_id = await asyncio.to_thread(
        client.submit_import,
        table,
        search_uri,
        branch=branch,
        namespace=namespace,
        continue_on_error=continue_on_error,
        import_duplicate_files=import_duplicate_files,
        best_effort=best_effort,
        preview=preview,
        args=args,
        priority=priority,
        client_timeout=client_timeout,
    )
    log.info("Submitted Bauplan import %s into table %s.", job_id, table)
    return cast(BauplanJobResult, await follow_job_async(client, job_id, settings, log))


# ----- the pieces -------------------------------------------------------------------------


@task(name="submit_bauplan_run", **_TASK_OPTIONS)
def submit_bauplan_run(
    project_dir: str | Path,
    *,
    ref: str | None = None,
    namespace: str | None = None,
    parameters: Mapping[str, Any] | None = None,
    cache: bool | None = None,
    transaction: bool | None = None,
    dry_run: bool | None = None,
    strict: bool | None = None,
    preview: str | None = None,
    args: Mapping[str, Any] | None = None,
    priority: int | None = None,
    client_timeout: float | None = None,
    credentials: BauplanCredentials | None = None,
) -> str:
    """Submit a Bauplan run detached and return its job id at once (see :func:`bauplan_run`).

    Follow it with :func:`wait_for_bauplan_job`. Nothing here cancels the job: it runs on
    whatever happens to this flow.
    """
    job_id = client_for(credentials).submit_run(
        project_dir,
        ref=ref,
        namespace=namespace,
        parameters=parameters,
        cache=cache,
        transaction=transaction,
        dry_run=dry_run,
        strict=strict,
        preview=preview,
        args=args,
        priority=priority,
        client_timeout=client_timeout,
    )
    run_logger().info("Submitted Bauplan run %s for project %s.", job_id, project_dir)
    return job_id


@task(name="submit_bauplan_import", **_TASK_OPTIONS)
def submit_bauplan_import(
    table: str,
    search_uri: str,
    *,
    branch: str | None = None,
    namespace: str | None = None,
    continue_on_error: bool | None = None,
    import_duplicate_files: bool | None = None,
    best_effort: bool | None = None,
    preview: str | None = None,
    args: Mapping[str, Any] | None = None,
    priority: int | None = None,
    client_timeout: float | None = None,
    credentials: BauplanCredentials | None = None,
) -> str:
    """Submit a Bauplan import detached and return its job id at once."""
    job_id = client_for(credentials).submit_import(
        table,
        search_uri,
        branch=branch,
        namespace=namespace,
        continue_on_error=continue_on_error,
        import_duplicate_files=import_duplicate_files,
        best_effort=best_effort,
        preview=preview,
        args=args,
        priority=priority,
        client_timeout=client_timeout,
    )
    run_logger().info("Submitted Bauplan import %s into table %s.", job_id, table)
    return job_id


@task(name="wait_for_bauplan_job", **_TASK_OPTIONS)
def wait_for_bauplan_job(
    job_id: str,
    *,
    credentials: BauplanCredentials | None = None,
    poll_interval: float = 2.0,
    max_poll_interval: float = 30.0,
    timeout: float | timedelta | None = None,
    fetch_logs: bool = True,
    max_log_lines: int = DEFAULT_MAX_LOG_LINES,
    transient_error_window: float = DEFAULT_TRANSIENT_ERROR_WINDOW,
) -> BauplanJobResult:
    """Wait for an existing Bauplan job, copy its logs into this run, return or raise.

    The same policy as :func:`bauplan_run`, including cancelling the job when Prefect stops
    the wait. A retry of this task waits again; it never submits anything.
    """
    _warn_if_blocking_a_loop("wait_for_bauplan_job")
    settings = _settings(
        poll_interval, max_poll_interval, timeout, fetch_logs, max_log_lines, transient_error_window
    )
    job_id = _job_id(job_id)
    return cast(
        BauplanJobResult, follow_job(client_for(credentials), job_id, settings, run_logger())
    )


@task(name="await_for_bauplan_job", **_TASK_OPTIONS)
async def await_for_bauplan_job(
    job_id: str,
    *,
    credentials: BauplanCredentials | None = None,
    poll_interval: float = 2.0,
    max_poll_interval: float = 30.0,
    timeout: float | timedelta | None = None,
    fetch_logs: bool = True,
    max_log_lines: int = DEFAULT_MAX_LOG_LINES,
    transient_error_window: float = DEFAULT_TRANSIENT_ERROR_WINDOW,
) -> BauplanJobResult:
    """Async twin of :func:`wait_for_bauplan_job` (the ``a``-prefixed name)."""
    settings = _settings(
        poll_interval, max_poll_interval, timeout, fetch_logs, max_log_lines, transient_error_window
    )
    job_id = _job_id(job_id)
    outcome = await follow_job_async(client_for(credentials), job_id, settings, run_logger())
    return cast(BauplanJobResult, outcome)


@task(name="get_bauplan_job", **_TASK_OPTIONS)
def get_bauplan_job(job_id: str, *, credentials: BauplanCredentials | None = None) -> Job:
    """The current record of a Bauplan job (never cached)."""
    return client_for(credentials).get_job(_job_id(job_id))


@task(name="get_bauplan_job_logs", **_TASK_OPTIONS)
def get_bauplan_job_logs(
    job_id: str, *, credentials: BauplanCredentials | None = None
) -> list[LogLine]:
    """The user log lines of a Bauplan job (Bauplan keeps them for 24 hours)."""
    return list(client_for(credentials).get_logs(_job_id(job_id)))


@task(name="cancel_bauplan_job", **_TASK_OPTIONS)
def cancel_bauplan_job(
    job_id: str,
    *,
    credentials: BauplanCredentials | None = None,
    confirm_timeout: float = 10.0,
) -> CancelOutcome:
    """Cancel a Bauplan job unless it already ended; wait up to ``confirm_timeout`` for ABORT.

    Returns what happened (``.message`` says it); raises if the cancel could not be sent.
    """
    outcome = client_for(credentials).stop_job(
        _job_id(job_id), confirm_timeout=confirm_timeout, log=run_logger()
    )
    if not outcome.requested and not outcome.confirmed:
        raise BauplanProviderError(outcome.message)
    return outcome


def _job_id(job_id: Any) -> str:
    if not isinstance(job_id, str) or not job_id.strip():
        raise BauplanConfigError(
            f"job_id must be a non-empty string, got {job_id!r}.", field="job_id"
        )
    return job_id.strip()
