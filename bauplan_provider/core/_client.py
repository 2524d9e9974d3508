"""``BauplanClient``: the one client both integrations use; every SDK call lives here."""

from __future__ import annotations

import asyncio
import inspect
import logging
import threading
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from ._batching import poller_for
from ._credentials import Credentials
from ._errors import (
    BauplanAPIError,
    BauplanConfigError,
    BauplanDeadlineError,
    BauplanProviderError,
    BauplanSubmitUncertainError,
    map_sdk_errors,
    redact,
)
from ._logs import DEFAULT_MAX_LOG_LINES, log_tail, write_job_logs
from ._models import CallerInfo, Job, JobStatus, LogLine, LogLines
from ._outcome import MESSAGE_TAIL_LINES, raise_for_outcome
from ._threads import run_in_worker_thread
from ._validation import (
    validate_args,
    validate_parameters,
    validate_priority,
    validate_project_dir,
    validate_required_text,
)
from ._waiting import (
    DEFAULT_STOP_CHECK_INTERVAL,
    AsyncStopCheck,
    JobWatch,
    StatusCallback,
    StopCheck,
    WaitPolicy,
)

__all__ = ["BauplanClient", "CancelOutcome", "JobContextInfo"]

logger = logging.getLogger("bauplan_provider")
#: Seconds an async poll may take when the deadline is (nearly) reached.
LAST_POLL_SECONDS = 5.0
Log = logging.Logger | logging.LoggerAdapter[logging.Logger]


@dataclass(frozen=True)
class CancelOutcome:
    """What :meth:`BauplanClient.stop_job` did: ``message`` says it in one sentence."""

    job_id: str
    requested: bool
    confirmed: bool
    job: Job | None
    message: str


@dataclass(frozen=True)
class JobContextInfo:
    """Best-effort context of a job (project, ref) for summaries."""

    job_id: str
    project_id: str | None = None
    project_name: str | None = None
    ref: str | None = None
    branch: str | None = None
    error_message: str | None = None


async def _poll_by_deadline(fetch: Callable[[str], Awaitable[Job]], watch: JobWatch) -> Job | None:
    """One poll that does not outlive the wait's deadline (``None`` if it had to give up).

    A call that hangs must not hold a timeout back; a poll at or just past the deadline (a
    trigger re-created after a restart) still gets :data:`LAST_POLL_SECONDS` to answer.
    """
    left = watch.seconds_left()
    if left is None:
        return await fetch(watch.job_id)
    try:
        return await asyncio.wait_for(fetch(watch.job_id), timeout=max(left, LAST_POLL_SECONDS))
    except asyncio.TimeoutError:
        watch.log.warning(
            "No answer from Bauplan about job %s before the deadline; giving up on that poll.",
            watch.job_id,
        )
        return None


class BauplanClient:
    """A small typed facade over ``bauplan.Client`` for detached jobs.

    Every method converts SDK objects into the provider's own types and SDK errors into the
    provider's error classes. Submissions are always detached and never retried. Methods with
    an ``_async`` suffix run the SDK in a bounded worker-thread pool and never block the loop.
    """

    def __init__(
        self,
        credentials: Credentials | None = None,
        *,
        api_key: str | None = None,
        profile: str | None = None,
        api_endpoint: str | None = None,
        client_timeout: float | None = None,
    ) -> None:
        if credentials is None:
            credentials = Credentials(
                api_key=api_key,
                profile=profile,
                api_endpoint=api_endpoint,
                client_timeout=client_timeout,
            )
        elif any(v is not None for v in (api_key, profile, api_endpoint, client_timeout)):
            raise BauplanConfigError("Pass either credentials= or individual settings, not both.")
        self.credentials = credentials
        self._sdk: Any = None
        self._sdk_lock = threading.Lock()

    def __repr__(self) -> str:
        return f"BauplanClient({self.credentials!r})"

    @property
    def sdk(self) -> Any:
        """The underlying ``bauplan.Client`` (created on first use)."""
        with self._sdk_lock:
            if self._sdk is None:
                self._sdk = self.credentials.build_sdk_client()
            return self._sdk

    def _errors(self, operation: str, job_id: str | None = None) -> Any:
        return map_sdk_errors(operation, job_id=job_id, api_key=self.credentials.api_key)

    # ----- submission -------------------------------------------------------------------

    def submit_run(
        self,
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
    ) -> str:
        """Validate, then submit ``bauplan run --detach``; return the job id.

        Unset options keep the SDK's defaults. Bad input raises :class:`BauplanConfigError`
        before anything is sent. A transient API error raises
        :class:`BauplanSubmitUncertainError` (the job may exist) and is never retried here.
        """
        path = validate_project_dir(project_dir)
        options: dict[str, Any] = {
            "ref": ref,
            "namespace": namespace,
            "parameters": validate_parameters(parameters),
            "cache": cache,
            "transaction": transaction,
            "dry_run": dry_run,
            "strict": strict,
            "preview": preview,
            "args": validate_args(args),
            "priority": validate_priority(priority),
            "client_timeout": self._timeout(client_timeout),
        }
        kwargs = {k: v for k, v in options.items() if v is not None}
        return self._submit("run", lambda sdk: sdk.run(str(path), detach=True, **kwargs))

    def submit_import(
        self,
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
    ) -> str:
        """Validate, then submit ``bauplan table import --detach``; return the job id."""
        table = validate_required_text(table, "table")
        search_uri = validate_required_text(search_uri, "search_uri")
        options: dict[str, Any] = {
            "branch": branch,
            "namespace": namespace,
            "continue_on_error": continue_on_error,
            "import_duplicate_files": import_duplicate_files,
            "best_effort": best_effort,
            "preview": preview,
            "args": validate_args(args),
            "priority": validate_priority(priority),
            "client_timeout": self._timeout(client_timeout),
        }
        kwargs = {k: v for k, v in options.items() if v is not None}
        return self._submit(
            "import",
            lambda sdk: sdk.import_data(table, search_uri, detach=True, **kwargs),
        )

    def _timeout(self, client_timeout: float | None) -> int | None:
        value = client_timeout if client_timeout is not None else self.credentials.client_timeout
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            raise BauplanConfigError(
                f"client_timeout must be a positive number of seconds, got {value!r}.",
                field="client_timeout",
            )
        return max(1, int(value))

    def _submit(self, what: str, call: Any) -> str:
        sdk = self.sdk
        try:
            with self._errors(f"submit {what}"):
                try:
                    state = call(sdk)
                except ValueError as exc:
                    # The SDK checks parameters against bauplan_project.yml before any RPC.
                    text = redact(str(exc), self.credentials.api_key)
                    if "parameter" in text.lower():
                        raise BauplanConfigError(
                            f"parameters: {text}. Every parameter must be declared under "
                            "`parameters:` in the project's bauplan_project.yml.",
                            field="parameters",
                        ) from None
                    raise BauplanConfigError(
                        f"Bauplan rejected the {what} before submitting it: {text}"
                    ) from None
        except BauplanAPIError as exc:
            if exc.transient:
                raise BauplanSubmitUncertainError(
                    f"Submitting the {what} failed with a transient error ({exc.code}); the job "
                    "may or may not have been created, so it was not retried. Check "
                    f"`bauplan job ls` before submitting again. Cause: {exc}",
                    code=exc.code,
                    operation=exc.operation,
                ) from None
            raise
        job_id = getattr(state, "job_id", None)
        if not job_id:
            error = redact(str(getattr(state, "error", "") or ""), self.credentials.api_key)
            raise BauplanProviderError(
                f"Bauplan accepted the {what} but returned no job id. {error}".strip()
            )
        return str(job_id)

    # ----- reading ----------------------------------------------------------------------

    def get_job(self, job_id: str) -> Job:
        """The current record of one job (raises BauplanJobNotFoundError if there is none)."""
        with self._errors("get_job", job_id):
            return Job.from_sdk(self.sdk.get_job(job_id))

    def get_jobs(self, job_ids: Sequence[str]) -> dict[str, Job]:
        """Records of many jobs in one paged ``GetJobs`` call; unknown ids are absent."""
        if not job_ids:
            return {}
        with self._errors("get_jobs"):
            found = self.sdk.get_jobs(filter_by_ids=list(job_ids), filter_by_current_user=False)
            jobs = (Job.from_sdk(job) for job in found)
            return {job.id: job for job in jobs}

    def list_jobs(
        self,
        *,
        limit: int | None = 10,
        statuses: Sequence[JobStatus | str] | None = None,
        kinds: Sequence[str] | None = None,
        users: Sequence[str] | None = None,
        all_users: bool = False,
        created_after: datetime | None = None,
        created_before: datetime | None = None,
    ) -> list[Job]:
        """Recent jobs, newest first as the API returns them, with optional filters."""
        from bauplan.schema import JobState

        kwargs: dict[str, Any] = {"limit": limit}
        if users:
            kwargs["filter_by_users"] = list(users)
            kwargs["filter_by_current_user"] = False
        else:
            kwargs["filter_by_current_user"] = not all_users
        if statuses:
            kwargs["filter_by_statuses"] = [
                getattr(JobState, JobStatus(str(s).upper()).value) for s in statuses
            ]
        if kinds:
            kwargs["filter_by_kinds"] = list(kinds)
        if created_after:
            kwargs["filter_by_created_after"] = created_after
        if created_before:
            kwargs["filter_by_created_before"] = created_before
        with self._errors("list_jobs"):
            return [Job.from_sdk(job) for job in self.sdk.get_jobs(**kwargs)]

    def get_logs(self, job_id: str) -> Sequence[LogLine]:
        """The job's user log lines (Bauplan keeps them for 24 hours), converted on access."""
        with self._errors("get_logs", job_id):
            return LogLines(self.sdk.get_job_logs(job_id))

    def get_job_context(self, job_id: str) -> JobContextInfo:
        """Project and ref of a job, from ``get_job_context``."""
        with self._errors("get_job_context", job_id):
            ctx = self.sdk.get_job_context(job_id)

        def text(name: str) -> str | None:
            value = getattr(ctx, name, None)
            return str(value) if value not in (None, "") else None

        return JobContextInfo(
            job_id=job_id,
            project_id=text("project_id"),
            project_name=text("project_name"),
            ref=text("ref"),
            branch=text("branch"),
            error_message=text("error_message"),
        )

    def info(self) -> CallerInfo:
        """Who the credentials belong to; the cheapest way to test a connection."""
        with self._errors("info"):
            state = self.sdk.info()
        user = getattr(state, "user", None)
        org = getattr(state, "organization", None)
        return CallerInfo(
            username=str(getattr(user, "username", "") or ""),
            organization=str(getattr(org, "name", "") or ""),
            client_version=str(getattr(state, "client_version", "") or ""),
            server_version=str(getattr(state, "server_version", "") or ""),
        )

    # ----- cancelling -------------------------------------------------------------------

    def cancel_job(self, job_id: str) -> None:
        """Send one CancelJob; the job reads ABORT a little later (see :meth:`stop_job`)."""
        with self._errors("cancel_job", job_id):
            self.sdk.cancel_job(job_id)

    def stop_job(
        self, job_id: str, *, confirm_timeout: float = 10.0, log: Log | None = None
    ) -> CancelOutcome:
        """Cancel a job unless it already ended, then poll briefly for ABORT. Never raises.

        Meant for exit paths (kill, timeout, cancellation): the outcome's message says whether
        the job was cancelled, had already finished, or could not be cancelled.
        """
        log = log or logger
        try:
            current = self.get_job(job_id)
            if current.is_terminal:
                return self._stop_outcome(job_id, False, True, current, log)
            self.cancel_job(job_id)
        except BauplanProviderError as exc:
            # Bauplan refuses to cancel a job that has just ended: say that, not "failed".
            ended = self._terminal_or_none(job_id)
            if ended is not None:
                return self._stop_outcome(job_id, False, True, ended, log)
            return self._stop_failed(job_id, exc, log)
        job = self._confirm_abort(job_id, confirm_timeout)
        return self._stop_outcome(job_id, True, job is not None and job.is_terminal, job, log)

    async def stop_job_async(
        self, job_id: str, *, confirm_timeout: float = 10.0, log: Log | None = None
    ) -> CancelOutcome:
        """Async form of :meth:`stop_job`."""
        return await run_in_worker_thread(
            self.stop_job, job_id, confirm_timeout=confirm_timeout, log=log
        )

    def _terminal_or_none(self, job_id: str) -> Job | None:
        try:
            job = self.get_job(job_id)
        except BauplanProviderError:
            return None
        return job if job.is_terminal else None

    def _confirm_abort(self, job_id: str, confirm_timeout: float) -> Job | None:
        if confirm_timeout <= 0:
            return None
        policy = WaitPolicy(
            poll_interval=0.2, max_poll_interval=1.0, transient_error_window=confirm_timeout
        )
        watch = JobWatch(job_id, policy, deadline=time.time() + confirm_timeout)
        try:
            return self._wait(watch, cancel_on_deadline=False)
        except BauplanDeadlineError:
            return watch.last_job
        except BauplanProviderError:
            return watch.last_job

    @staticmethod
    def _stop_outcome(
        job_id: str, requested: bool, confirmed: bool, job: Job | None, log: Log
    ) -> CancelOutcome:
        status = job.status.value if job else "unknown"
        if not requested:
            message = f"Bauplan job {job_id} had already ended ({status}); nothing to cancel."
        elif confirmed:
            message = f"Cancelled Bauplan job {job_id}: it is now {status}."
        else:
            message = (
                f"Cancel requested for Bauplan job {job_id}; it still read {status} when this "
                "process stopped watching. Check it with `bauplan job get`."
            )
        log.warning(message)
        return CancelOutcome(job_id, requested, confirmed, job, message)

    @staticmethod
    def _stop_failed(job_id: str, exc: BaseException, log: Log) -> CancelOutcome:
        message = (
            f"Could not cancel Bauplan job {job_id}: {exc}. It may still be running; stop it "
            f"with `bauplan job stop {job_id}`."
        )
        log.error(message)
        return CancelOutcome(job_id, False, False, None, message)

    # ----- waiting ----------------------------------------------------------------------

    def wait_for_job(
        self,
        job_id: str,
        *,
        policy: WaitPolicy | None = None,
        deadline: float | None = None,
        on_status_change: StatusCallback | None = None,
        cancel_on_deadline: bool = False,
        log: Log | None = None,
        should_stop: StopCheck | None = None,
        stop_check_interval: float = DEFAULT_STOP_CHECK_INTERVAL,
    ) -> Job:
        """Poll until the job is terminal and return its record (COMPLETE, FAIL or ABORT).

        ``deadline`` is absolute (epoch seconds). Transient errors are retried within the
        policy's window; permanent ones raise at once. At the deadline this raises
        :class:`BauplanDeadlineError`, after cancelling the job if ``cancel_on_deadline``.
        ``should_stop`` is asked between polls, at least every ``stop_check_interval``
        seconds (the poll interval is unchanged); when it returns True the wait raises
        :class:`BauplanWaitStoppedError` and leaves the job alone.
        """
        watch = JobWatch(
            job_id, policy, deadline=deadline, on_status_change=on_status_change, log=log
        )
        return self._wait(
            watch,
            cancel_on_deadline=cancel_on_deadline,
            should_stop=should_stop,
            stop_check_interval=stop_check_interval,
        )

    def _wait(
        self,
        watch: JobWatch,
        *,
        cancel_on_deadline: bool,
        should_stop: StopCheck | None = None,
        stop_check_interval: float = DEFAULT_STOP_CHECK_INTERVAL,
    ) -> Job:
        while True:
            try:
                job = self.get_job(watch.job_id)
            except BauplanAPIError as exc:
                watch.record_error(exc)
            else:
                if watch.record(job):
                    return job
            if watch.deadline_passed():
                if not cancel_on_deadline:
                    raise watch.deadline_error(cancelled=False)
                return self._ended_by_deadline(watch, self.stop_job(watch.job_id, log=watch.log))
            self._pause(watch, watch.next_sleep(), should_stop, stop_check_interval)

    @staticmethod
    def _ended_by_deadline(watch: JobWatch, outcome: CancelOutcome) -> Job:
        """After the deadline's cancel: a job that turned out to have ended is the wait's
        result (its own outcome decides); otherwise raise the deadline error."""
        if not outcome.requested and outcome.job is not None and outcome.job.is_terminal:
            watch.record(outcome.job)
            return outcome.job
        raise watch.deadline_error(cancelled=outcome.requested, cancel_note=outcome.message)

    @staticmethod
    def _pause(
        watch: JobWatch, seconds: float, should_stop: StopCheck | None, every: float
    ) -> None:
        if should_stop is None:
            time.sleep(seconds)
            return
        end = time.monotonic() + seconds
        while True:
            if should_stop():
                raise watch.stopped_error()
            left = end - time.monotonic()
            if left <= 0:
                return
            time.sleep(min(left, every))

    @staticmethod
    async def _pause_async(
        watch: JobWatch, seconds: float, should_stop: AsyncStopCheck | None, every: float
    ) -> None:
        if should_stop is None:
            await asyncio.sleep(seconds)
            return
        end = time.monotonic() + seconds
        while True:
            answer = should_stop()
            if inspect.isawaitable(answer):
                answer = await answer
            if answer:
                raise watch.stopped_error()
            left = end - time.monotonic()
            if left <= 0:
                return
            await asyncio.sleep(min(left, every))

    async def wait_for_job_async(
        self,
        job_id: str,
        *,
        policy: WaitPolicy | None = None,
        deadline: float | None = None,
        on_status_change: StatusCallback | None = None,
        cancel_on_deadline: bool = False,
        log: Log | None = None,
        should_stop: AsyncStopCheck | None = None,
        stop_check_interval: float = DEFAULT_STOP_CHECK_INTERVAL,
        batched: bool = False,
    ) -> Job:
        """Async form of :meth:`wait_for_job`; the SDK runs in worker threads.

        ``should_stop`` may be a plain or an async callable. With ``batched``, waits in this
        event loop that share credentials poll through one shared ``get_jobs`` call per
        instant (see ``BatchedJobPoller``), on a wall-clock grid they all share.
        """
        watch = JobWatch(
            job_id, policy, deadline=deadline, on_status_change=on_status_change, log=log
        )
        fetch = poller_for(self).fetch if batched else self.get_job_async
        while True:
            try:
                job = await _poll_by_deadline(fetch, watch)
            except BauplanAPIError as exc:
                watch.record_error(exc)
            else:
                if job is not None and watch.record(job):
                    return job
            if watch.deadline_passed():
                if not cancel_on_deadline:
                    raise watch.deadline_error(cancelled=False)
                outcome = await self.stop_job_async(job_id, log=watch.log)
                return self._ended_by_deadline(watch, outcome)
            await self._pause_async(
                watch, watch.next_sleep(aligned=batched), should_stop, stop_check_interval
            )

    # ----- async twins of single calls --------------------------------------------------

    async def get_job_async(self, job_id: str) -> Job:
        """Async form of :meth:`get_job`."""
        return await run_in_worker_thread(self.get_job, job_id)

    async def get_jobs_async(self, job_ids: Sequence[str]) -> dict[str, Job]:
        """Async form of :meth:`get_jobs`."""
        return await run_in_worker_thread(self.get_jobs, job_ids)

    async def get_logs_async(self, job_id: str) -> Sequence[LogLine]:
        """Async form of :meth:`get_logs`."""
        return await run_in_worker_thread(self.get_logs, job_id)

    async def cancel_job_async(self, job_id: str) -> None:
        """Async form of :meth:`cancel_job`."""
        await run_in_worker_thread(self.cancel_job, job_id)

    async def info_async(self) -> CallerInfo:
        """Async form of :meth:`info`."""
        return await run_in_worker_thread(self.info)

    # ----- after the job ended -----------------------------------------------------------

    def conclude_job(
        self,
        job: Job,
        write: Callable[[str], object],
        *,
        fetch_logs: bool = True,
        max_log_lines: int = DEFAULT_MAX_LOG_LINES,
        log: Log | None = None,
    ) -> Job:
        """Write a terminal job's logs through ``write``, then return it or raise its error.

        The one ending shared by every integration: logs are fetched best effort (a failure
        is a warning, never a changed outcome), written one line per call with the tail kept,
        and the outcome is decided by :func:`raise_for_outcome`.
        """
        lines: Sequence[LogLine] = ()
        if fetch_logs:
            lines = self.fetch_logs_best_effort(job.id, log=log)
            if lines:
                write_job_logs(job.id, lines, write, max_lines=max_log_lines)
        tail, _ = log_tail(lines, MESSAGE_TAIL_LINES)
        return raise_for_outcome(job, tail)

    async def conclude_job_async(
        self,
        job: Job,
        write: Callable[[str], object],
        *,
        fetch_logs: bool = True,
        max_log_lines: int = DEFAULT_MAX_LOG_LINES,
        log: Log | None = None,
    ) -> Job:
        """Async form of :meth:`conclude_job` (``write`` is called from a worker thread)."""
        return await run_in_worker_thread(
            self.conclude_job,
            job,
            write,
            fetch_logs=fetch_logs,
            max_log_lines=max_log_lines,
            log=log,
        )

    # ----- best effort after the fact ---------------------------------------------------

    def fetch_logs_best_effort(self, job_id: str, *, log: Log | None = None) -> Sequence[LogLine]:
        """Logs of a finished job, or ``[]`` with a warning: never changes an outcome."""
        try:
            return self.get_logs(job_id)
        except BauplanProviderError as exc:
            (log or logger).warning(
                "Could not fetch the logs of Bauplan job %s (the job's outcome is unchanged): %s",
                job_id,
                exc,
            )
            return ()

    def fetch_context_best_effort(
        self, job_id: str, *, log: Log | None = None
    ) -> JobContextInfo | None:
        """Context of a job, or ``None`` with a warning."""
        try:
            return self.get_job_context(job_id)
        except BauplanProviderError as exc:
            (log or logger).warning(
                "Could not fetch the context of Bauplan job %s: %s", job_id, exc
            )
            return None
