"""``BauplanRunOperator`` and ``BauplanImportOperator``: submit detached, then wait.

Both share :class:`BaseBauplanJobOperator`: validate, submit (never retried inside the task:
the job may exist), push the job id to XCom before waiting, then wait in the triggerer
(``deferrable=True``, the default) or in the worker, pull the job's logs into the task log
and succeed on COMPLETE or raise with Bauplan's message.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, NoReturn

from airflow.sdk import BaseOperator

from bauplan_provider.core import (
    DEFAULT_MAX_LOG_LINES,
    BauplanAPIError,
    BauplanClient,
    BauplanConfigError,
    BauplanDeadlineError,
    BauplanProviderError,
    BauplanTransientError,
    Credentials,
    Job,
    WaitPolicy,
    describe_job,
    write_job_logs,
)

from ._logging import core_log
from .events import JobEvent
from .hooks import DEFAULT_CONN_ID, BauplanHook
from .links import BauplanJobLink
from .triggers import BauplanJobTrigger, resume_not_before

if TYPE_CHECKING:
    from airflow.sdk import Context

__all__ = ["BaseBauplanJobOperator", "BauplanImportOperator", "BauplanRunOperator"]

#: XCom key holding the submitted job's id (also returned as ``return_value``).
JOB_ID_XCOM_KEY = "job_id"
#: Seconds the worker's ``on_kill`` waits for the job to read ABORT.
ON_KILL_CONFIRM_SECONDS = 5.0


def _optional_bool(value: Any, field: str) -> bool | None:
    """Accept a bool, or its rendered-template spelling (``"True"``, ``"false"``)."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise BauplanConfigError(f"{field} must be True or False, got {value!r}.", field=field)


def _optional_seconds(value: Any, field: str) -> float | None:
    """Accept a positive number of seconds, a timedelta, or a rendered number."""
    if value is None:
        return None
    if isinstance(value, timedelta):
        seconds = value.total_seconds()
    elif isinstance(value, bool):
        seconds = -1.0
    else:
        try:
            seconds = float(value)
        except (TypeError, ValueError):
            seconds = -1.0
    if seconds <= 0:
        raise BauplanConfigError(
            f"{field} must be a positive number of seconds or a timedelta, got {value!r}.",
            field=field,
        )
    return seconds


def _optional_mapping(value: Any, field: str) -> Mapping[str, Any] | None:
    if value is None or isinstance(value, Mapping):
        return value
    raise BauplanConfigError(
        f"{field} must be a mapping (dict), got {type(value).__name__}.", field=field
    )


class BaseBauplanJobOperator(BaseOperator):
    """Shared lifecycle of the Bauplan operators (subclasses only say how to submit).

    :param bauplan_conn_id: Airflow connection of type ``bauplan`` (default
        ``bauplan_default``; if that one does not exist, the SDK's default credentials).
    :param wait_for_completion: wait for the job to end (default). When False, the task
        succeeds right after submission and returns the job id (see ``BauplanJobSensor``).
    :param deferrable: wait in the triggerer, freeing the worker slot (default True). Pass
        False when your deployment has no triggerer: the worker polls instead.
    :param poll_interval: first poll interval in seconds (then backs off).
    :param max_poll_interval: longest poll interval in seconds.
    :param timeout: how long the job may take, in seconds or as a timedelta, counted from
        submission. At the deadline the job is cancelled and the task fails. An
        ``execution_timeout`` is enforced the same way while deferred.
    :param cancel_on_kill: cancel the job when the task is stopped (killed, marked failed or
        success, cleared) or loses track of the job (default True).
    :param fetch_logs: copy the job's logs into the task log when it ends (default True).
    :param max_log_lines: keep only the last lines of a longer log (the cut is said).
    :param transient_error_window: how long, in seconds, a run of transient API errors is
        retried while waiting before the task fails (default 10 minutes).
    :param batched_polling: while deferred, poll through the triggerer's shared ``GetJobs``
        call (one call for up to 500 jobs; default True). False polls once per task.
    """

    operator_extra_links = (BauplanJobLink(),)
    ui_color = "#e8f0fe"
    _job_kind: ClassVar[str] = "job"

    def __init__(
        self,
        *,
        bauplan_conn_id: str = DEFAULT_CONN_ID,
        wait_for_completion: bool = True,
        deferrable: bool = True,
        poll_interval: float = 2.0,
        max_poll_interval: float = 30.0,
        timeout: float | timedelta | None = None,
        cancel_on_kill: bool = True,
        fetch_logs: bool = True,
        max_log_lines: int = DEFAULT_MAX_LOG_LINES,
        transient_error_window: float = 600.0,
        batched_polling: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.bauplan_conn_id = bauplan_conn_id
        self.wait_for_completion = wait_for_completion
        self.deferrable = deferrable
        self.poll_interval = poll_interval
        self.max_poll_interval = max_poll_interval
        self.timeout = timeout
        self.cancel_on_kill = cancel_on_kill
        self.fetch_logs = fetch_logs
        self.max_log_lines = max_log_lines
        self.transient_error_window = transient_error_window
        self.batched_polling = batched_polling
        self.job_id: str | None = None
        self._credentials: Credentials | None = None
        self._waiting = False

    # ----- subclass hooks ---------------------------------------------------------------

    def submit(self, client: BauplanClient) -> str:
        """Submit the job (detached) and return its id; subclasses implement this."""
        raise NotImplementedError

    # ----- settings ---------------------------------------------------------------------

    def _policy(self) -> WaitPolicy:
        return WaitPolicy(
            poll_interval=self.poll_interval,
            max_poll_interval=self.max_poll_interval,
            transient_error_window=self.transient_error_window,
        )

    def _check_settings(self) -> None:
        self._policy()
        _optional_seconds(self.timeout, "timeout")
        if (
            isinstance(self.max_log_lines, bool)
            or not isinstance(self.max_log_lines, int)
            or self.max_log_lines < 0
        ):
            raise BauplanConfigError(
                f"max_log_lines must be a non-negative integer, got {self.max_log_lines!r}.",
                field="max_log_lines",
            )

    def _limits(self) -> str:
        parts = []
        if self.timeout is not None:
            parts.append(f"timeout={_optional_seconds(self.timeout, 'timeout'):g}s")
        if self.execution_timeout is not None:
            parts.append(f"execution_timeout={self.execution_timeout.total_seconds():g}s")
        return ", ".join(parts) or "no limit"

    def _deadline(self, submitted_at: float, *, include_execution_timeout: bool) -> float | None:
        """Absolute deadline (epoch seconds) from ``timeout`` and, when deferring, the
        ``execution_timeout`` (Airflow does not enforce it while a task is deferred)."""
        limits = [_optional_seconds(self.timeout, "timeout")]
        if include_execution_timeout and self.execution_timeout is not None:
            limits.append(self.execution_timeout.total_seconds())
        seconds = [s for s in limits if s is not None]
        return submitted_at + min(seconds) if seconds else None

    # ----- execution --------------------------------------------------------------------

    def execute(self, context: Context) -> str:
        """Validate, submit, push the job id, then wait (deferred or in the worker)."""
        self._check_settings()
        hook = BauplanHook(self.bauplan_conn_id)
        client = hook.get_conn()
        self._credentials = client.credentials
        submitted_at = time.time()
        job_id = self.submit(client)
        self.job_id = job_id
        self._waiting = self.wait_for_completion
        ti = context["ti"]
        ti.xcom_push(key=JOB_ID_XCOM_KEY, value=job_id)
        url = hook.get_job_url(job_id)
        # Pushed even when empty: the link then reads "" (no button) instead of a missing XCom.
        ti.xcom_push(key=BauplanJobLink().xcom_key, value=url or "")
        self.log.info(
            "Submitted Bauplan %s: job %s%s", self._job_kind, job_id, f" ({url})" if url else ""
        )
        if not self.wait_for_completion:
            self.log.info(
                "wait_for_completion is False: Bauplan job %s keeps running on its own.", job_id
            )
            return job_id

        job = self._first_status(client, job_id)
        if job is not None and job.is_terminal:
            return self._finish(client, job)
        if self.deferrable:
            deadline = self._deadline(submitted_at, include_execution_timeout=True)
            self._waiting = False  # the trigger owns the job from here on
            self.defer(
                trigger=BauplanJobTrigger(
                    job_id=job_id,
                    bauplan_conn_id=self.bauplan_conn_id,
                    poll_interval=self.poll_interval,
                    max_poll_interval=self.max_poll_interval,
                    deadline=deadline,
                    cancel_on_timeout=True,
                    cancel_on_kill=self.cancel_on_kill,
                    transient_error_window=self.transient_error_window,
                    batched_polling=self.batched_polling,
                    resume_not_before=resume_not_before(),
                ),
                method_name="execute_complete",
            )
        deadline = self._deadline(submitted_at, include_execution_timeout=False)
        return self._wait_in_worker(client, job_id, deadline)

    def _log_status(self, job: Job) -> None:
        self.log.info(describe_job(job))

    def _first_status(self, client: BauplanClient, job_id: str) -> Job | None:
        try:
            job = client.get_job(job_id)
        except BauplanTransientError as exc:
            self.log.warning(
                "Could not read Bauplan job %s yet (will keep trying): %s", job_id, exc
            )
            return None
        except BauplanAPIError as exc:
            self._lost_track(client, job_id, exc)
        self._log_status(job)
        return job

    def _wait_in_worker(self, client: BauplanClient, job_id: str, deadline: float | None) -> str:
        try:
            job = client.wait_for_job(
                job_id,
                policy=self._policy(),
                deadline=deadline,
                on_status_change=self._log_status,
                cancel_on_deadline=True,
                log=core_log(self.log),
            )
        except BauplanDeadlineError as exc:
            self._waiting = False
            self._write_logs(client, job_id)
            raise BauplanDeadlineError(
                f"{exc} (limit: {self._limits()})", job=exc.job, cancelled=exc.cancelled
            ) from None
        except BauplanAPIError as exc:
            self._lost_track(client, job_id, exc)
        return self._finish(client, job)

    def execute_complete(self, context: Context, event: dict[str, Any] | None = None) -> str:
        """Resume after the trigger fired: validate the event, pull logs, decide the outcome."""
        ev = JobEvent.from_payload(event)
        self.job_id = ev.job_id
        client = BauplanHook(self.bauplan_conn_id).get_conn()
        self._credentials = client.credentials
        if ev.status == "timeout":
            self._write_logs(client, ev.job_id)
            record = ev.job_record
            raise BauplanDeadlineError(
                f"{ev.message} (limit: {self._limits()})", job=record, cancelled=ev.cancelled
            )
        if ev.status == "error":
            self._lost_track(client, ev.job_id, BauplanProviderError(ev.message))
        job = ev.job_record
        if job is None:  # from_payload guarantees a record for terminal statuses
            raise BauplanProviderError(f"Bauplan trigger event for {ev.job_id} has no job record.")
        return self._finish(client, job)

    def _finish(self, client: BauplanClient, job: Job) -> str:
        """Pull the logs of a terminal job into the task log; return its id or raise."""
        self._waiting = False
        client.conclude_job(
            job,
            self.log.info,
            fetch_logs=self.fetch_logs,
            max_log_lines=self.max_log_lines,
            log=core_log(self.log),
        )
        self.log.info("Bauplan job %s completed.", job.id)
        return job.id

    def _write_logs(self, client: BauplanClient, job_id: str) -> None:
        if not self.fetch_logs:
            return
        lines = client.fetch_logs_best_effort(job_id, log=core_log(self.log))
        if lines:
            write_job_logs(job_id, lines, self.log.info, max_lines=self.max_log_lines)

    def _lost_track(self, client: BauplanClient, job_id: str, error: BaseException) -> NoReturn:
        """The wait cannot go on: cancel the job (unless told not to) and fail the task."""
        self._waiting = False
        if self.cancel_on_kill:
            note = client.stop_job(job_id, log=core_log(self.log)).message
        else:
            note = f"Bauplan job {job_id} was left running (cancel_on_kill is False)."
        raise BauplanProviderError(
            f"Stopped waiting for Bauplan job {job_id}: {error} {note}"
        ) from None

    def on_kill(self) -> None:
        """Cancel the running Bauplan job when Airflow kills the task (worker-side wait)."""
        job_id = self.job_id
        if not (self.cancel_on_kill and self._waiting and job_id):
            return
        self._waiting = False
        self.log.warning("Task is being killed: cancelling Bauplan job %s.", job_id)
        # A fresh client: the interrupted main thread may be in the middle of a call.
        BauplanClient(self._credentials or Credentials()).stop_job(
            job_id, confirm_timeout=ON_KILL_CONFIRM_SECONDS, log=core_log(self.log)
        )


class BauplanRunOperator(BaseBauplanJobOperator):
    """Run a Bauplan project (``bauplan run --detach``) and wait for it.

    Every option of ``bauplan.Client.run`` is a templated parameter; unset options keep
    Bauplan's defaults. A relative ``project_dir`` is resolved against the folder of the DAG
    file, so a project shipped inside the DAG bundle just works. Returns (and pushes to
    XCom as ``return_value`` and ``job_id``) the job id.

    :param project_dir: folder holding ``bauplan_project.yml``.
    :param ref: branch or ref to run against.
    :param namespace: namespace for the run's tables.
    :param parameters: values for the project's parameters.
    :param cache: use Bauplan's cache.
    :param transaction: run in a transaction (all or nothing).
    :param dry_run: do not materialize anything (stored as ``bauplan_dry_run``: Airflow
        operators already have a ``dry_run()`` method).
    :param strict: fail on warnings.
    :param preview: preview mode.
    :param args: extra backend arguments.
    :param priority: job priority, 1 to 10.
    :param client_timeout: timeout of the submission call, in seconds.

    The waiting parameters are documented on :class:`BaseBauplanJobOperator`.
    """

    template_fields: Sequence[str] = (
        "project_dir",
        "ref",
        "namespace",
        "parameters",
        "cache",
        "transaction",
        "bauplan_dry_run",
        "strict",
        "preview",
        "args",
        "priority",
        "client_timeout",
    )
    template_fields_renderers: ClassVar[dict[str, str]] = {"parameters": "json", "args": "json"}
    _job_kind = "run"

    def __init__(
        self,
        *,
        project_dir: str | Path,
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
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.project_dir = str(project_dir) if isinstance(project_dir, Path) else project_dir
        self.ref = ref
        self.namespace = namespace
        self.parameters = parameters
        self.cache = cache
        self.transaction = transaction
        # BaseOperator.dry_run() is an Airflow method: the option lives under another name.
        self.bauplan_dry_run = dry_run
        self.strict = strict
        self.preview = preview
        self.args = args
        self.priority = priority
        self.client_timeout = client_timeout

    def resolved_project_dir(self) -> str:
        """``project_dir``, with a relative path resolved against the DAG file's folder."""
        raw = self.project_dir
        if raw is None or not str(raw).strip():
            return "" if raw is None else str(raw)
        path = Path(str(raw)).expanduser()
        if not path.is_absolute():
            dag = self.dag if self.has_dag() else None
            fileloc = getattr(dag, "fileloc", None)
            if fileloc:
                path = Path(fileloc).parent / path
        return str(path)

    def submit(self, client: BauplanClient) -> str:
        """Submit the run, detached."""
        project_dir = self.resolved_project_dir()
        self.log.info(
            "Submitting a Bauplan run of %s (ref=%s, namespace=%s).",
            project_dir,
            self.ref or "default",
            self.namespace or "default",
        )
        return client.submit_run(
            project_dir,
            ref=self.ref or None,
            namespace=self.namespace or None,
            parameters=_optional_mapping(self.parameters, "parameters"),
            cache=_optional_bool(self.cache, "cache"),
            transaction=_optional_bool(self.transaction, "transaction"),
            dry_run=_optional_bool(self.bauplan_dry_run, "dry_run"),
            strict=_optional_bool(self.strict, "strict"),
            preview=self.preview or None,
            args=_optional_mapping(self.args, "args"),
            priority=self.priority,
            client_timeout=_optional_seconds(self.client_timeout, "client_timeout"),
        )


class BauplanImportOperator(BaseBauplanJobOperator):
    """Import data into a Bauplan table (``bauplan table import --detach``) and wait for it.

    Every option of ``bauplan.Client.import_data`` is a templated parameter. Returns (and
    pushes to XCom as ``return_value`` and ``job_id``) the job id.

    :param table: the table to import into.
    :param search_uri: the files to import (for example ``s3://bucket/path/*.parquet``).
    :param branch: branch to import on.
    :param namespace: namespace of the table.
    :param continue_on_error: keep going when a file fails.
    :param import_duplicate_files: import files that were imported before.
    :param best_effort: best-effort import.
    :param preview: preview mode.
    :param args: extra backend arguments.
    :param priority: job priority, 1 to 10.
    :param client_timeout: timeout of the submission call, in seconds.

    The waiting parameters are documented on :class:`BaseBauplanJobOperator`.
    """

    template_fields: Sequence[str] = (
        "table",
        "search_uri",
        "branch",
        "namespace",
        "continue_on_error",
        "import_duplicate_files",
        "best_effort",
        "preview",
        "args",
        "priority",
        "client_timeout",
    )
    template_fields_renderers: ClassVar[dict[str, str]] = {"args": "json"}
    _job_kind = "import"

    def __init__(
        self,
        *,
        table: str,
        search_uri: str,
        branch: str | None = None,
        namespace: str | None = None,
        continue_on_error: bool | None = None,
        import_duplicate_files: bool | None = None,
        best_effort: bool | None = None,
        preview: str | None = None,
        args: Mapping[str, Any] | None = None,
        priority: int | None = None,
        client_timeout: float | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.table = table
        self.search_uri = search_uri
        self.branch = branch
        self.namespace = namespace
        self.continue_on_error = continue_on_error
        self.import_duplicate_files = import_duplicate_files
        self.best_effort = best_effort
        self.preview = preview
        self.args = args
        self.priority = priority
        self.client_timeout = client_timeout

    def submit(self, client: BauplanClient) -> str:
        """Submit the import, detached."""
        self.log.info(
            "Submitting a Bauplan import of %s into %s (branch=%s).",
            self.search_uri,
            self.table,
            self.branch or "default",
        )
        return client.submit_import(
            self.table,
            self.search_uri,
            branch=self.branch or None,
            namespace=self.namespace or None,
            continue_on_error=_optional_bool(self.continue_on_error, "continue_on_error"),
            import_duplicate_files=_optional_bool(
                self.import_duplicate_files, "import_duplicate_files"
            ),
            best_effort=_optional_bool(self.best_effort, "best_effort"),
            preview=self.preview or None,
            args=_optional_mapping(self.args, "args"),
            priority=self.priority,
            client_timeout=_optional_seconds(self.client_timeout, "client_timeout"),
        )
