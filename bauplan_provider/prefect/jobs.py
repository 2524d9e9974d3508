"""``BauplanRun`` and ``BauplanImport``: saved Bauplan jobs as Prefect ``JobBlock``s.

``trigger()`` submits the job detached and returns a :class:`BauplanJobRun`;
``wait_for_completion()`` waits with the same policy as the tasks (core's polling, the job
cancelled when Prefect stops the wait, logs copied into the run log, FAIL/ABORT raised) and
``fetch_result()`` returns the :class:`BauplanJobResult`. Like Prefect's own blocks, each
method returns its value in sync code and a coroutine in async code (``await run.trigger()``).
"""

from __future__ import annotations

import asyncio
from typing import Any, ClassVar

from prefect._internal.compatibility.async_dispatch import async_dispatch
from prefect.blocks.abstract import JobBlock, JobRun
from prefect.states import State
from pydantic import Field

from bauplan_provider.core import (
    DEFAULT_MAX_LOG_LINES,
    BauplanClient,
    BauplanJobCancelledError,
    BauplanProviderError,
    Job,
)

from ._execution import (
    DEFAULT_TRANSIENT_ERROR_WINDOW,
    FollowSettings,
    client_for,
    finish_job,
    finish_job_async,
    run_logger,
)
from ._waiting import await_job_in_prefect, wait_for_job_in_prefect
from .credentials import BauplanCredentials
from .results import BauplanJobResult

__all__ = ["BauplanImport", "BauplanJobRun", "BauplanRun"]


class BauplanJobRun(JobRun[BauplanJobResult]):
    """One submitted Bauplan job, as returned by ``BauplanRun.trigger()`` (not a block)."""

    def __init__(self, client: BauplanClient, job_id: str, settings: FollowSettings) -> None:
        self.client = client
        self.job_id = job_id
        self.settings = settings
        self._result: BauplanJobResult | None = None

    def __repr__(self) -> str:
        return f"BauplanJobRun(job_id={self.job_id!r})"

    def _take(self, outcome: Job | State[Any]) -> Job:
        if isinstance(outcome, State):
            # The flow run was cancelled while waiting; the job was cancelled with it.
            raise BauplanJobCancelledError(
                outcome.message or f"Stopped waiting for Bauplan job {self.job_id}.",
                job=self.client.get_job(self.job_id),
            )
        return outcome

    async def await_completion(self) -> None:
        """Async form of :meth:`wait_for_completion`."""
        log = run_logger()
        outcome = await await_job_in_prefect(
            self.client,
            self.job_id,
            policy=self.settings.policy,
            deadline=self.settings.deadline,
            log=log,
        )
        job = await asyncio.to_thread(self._take, outcome)
        self._result = await finish_job_async(self.client, job, self.settings, log)

    @async_dispatch(await_completion)
    def wait_for_completion(self) -> None:  # type: ignore[override]
        """Wait for the job to end, copy its logs into the run log; raise on FAIL/ABORT.

        When Prefect stops the wait (cancellation, timeout, kill) the job is cancelled.
        """
        log = run_logger()
        outcome = wait_for_job_in_prefect(
            self.client,
            self.job_id,
            policy=self.settings.policy,
            deadline=self.settings.deadline,
            log=log,
        )
        self._result = finish_job(self.client, self._take(outcome), self.settings, log)

    def _completed(self) -> BauplanJobResult:
        if self._result is None:
            raise BauplanProviderError(
                f"Bauplan job {self.job_id} has not completed here yet: call "
                "wait_for_completion() first."
            )
        return self._result

    async def afetch_result(self) -> BauplanJobResult:
        """Async form of :meth:`fetch_result`."""
        return self._completed()

    @async_dispatch(afetch_result)
    def fetch_result(self) -> BauplanJobResult:  # type: ignore[override]
        """The :class:`BauplanJobResult` of the completed job."""
        return self._completed()


class _BauplanJobBlock(JobBlock[BauplanJobResult]):
    """Settings shared by the job blocks: credentials and how to follow the job."""

    credentials: BauplanCredentials | None = Field(
        default=None,
        description="Bauplan credentials; empty uses the SDK's default credentials.",
    )
    poll_interval: float = Field(
        default=2.0, gt=0, description="First poll interval in seconds (it backs off)."
    )
    max_poll_interval: float = Field(
        default=30.0, gt=0, description="Longest poll interval in seconds."
    )
    timeout_seconds: float | None = Field(
        default=None,
        gt=0,
        description="Longest wait in seconds; the job is cancelled when it passes.",
    )
    fetch_logs: bool = Field(
        default=True, description="Copy the job's logs into the Prefect run log."
    )
    max_log_lines: int = Field(
        default=DEFAULT_MAX_LOG_LINES, ge=0, description="Keep at most this many log lines."
    )
    transient_error_window: float = Field(
        default=DEFAULT_TRANSIENT_ERROR_WINDOW,
        ge=0,
        description="Seconds a run of transient API errors is retried while waiting.",
    )
    client_timeout: float | None = Field(
        default=None, gt=0, description="Timeout of the submission call, in seconds."
    )

    def _settings(self) -> FollowSettings:
        return FollowSettings.build(
            poll_interval=self.poll_interval,
            max_poll_interval=self.max_poll_interval,
            timeout=self.timeout_seconds,
            fetch_logs=self.fetch_logs,
            max_log_lines=self.max_log_lines,
            transient_error_window=self.transient_error_window,
        )

    def _submit(self, client: BauplanClient) -> str:
        raise NotImplementedError

    def _trigger(self) -> BauplanJobRun:
        settings = self._settings()
        client = client_for(self.credentials)
        job_id = self._submit(client)
        run_logger().info("Submitted Bauplan job %s (%s).", job_id, self._block_type_name)
        return BauplanJobRun(client, job_id, settings)

    async def atrigger(self) -> BauplanJobRun:
        """Async form of :meth:`trigger`."""
        return await asyncio.to_thread(self._trigger)

    @async_dispatch(atrigger)
    def trigger(self) -> BauplanJobRun:  # type: ignore[override]
        """Submit the job detached and return a :class:`BauplanJobRun` to follow it."""
        return self._trigger()


class BauplanRun(_BauplanJobBlock):
    """A Bauplan pipeline run, saved as a block: trigger it, wait, fetch the result.

    Example:
        Run a saved pipeline from a flow::

            from prefect import flow
            from bauplan_provider.prefect import BauplanRun

            @flow
            def nightly():
                run = BauplanRun.load("taxi-daily").trigger()
                run.wait_for_completion()
                return run.fetch_result()
    """

    _block_type_name: ClassVar[str] = "Bauplan Run"
    _block_type_slug: ClassVar[str] = "bauplan-run"
    _description: ClassVar[str] = (
        "A Bauplan pipeline run: submitted detached, followed to its end, logs copied into the "
        "Prefect run log, cancelled when the flow run is."
    )
    _documentation_url: ClassVar[str] = "https://docs.bauplanlabs.com/"  # type: ignore[assignment]
    _code_example: ClassVar[str] = """
```python
from bauplan_provider.prefect import BauplanRun

run = BauplanRun.load("BLOCK_NAME").trigger()
run.wait_for_completion()
result = run.fetch_result()
```
"""

    project_dir: str = Field(
        description=(
            "Folder of the Bauplan project; a relative path resolves against the working "
            "directory of the process running the flow."
        ),
    )
    ref: str | None = Field(default=None, description="Branch, tag or commit to run against.")
    namespace: str | None = Field(default=None, description="Namespace for the models' tables.")
    parameters: dict[str, Any] | None = Field(
        default=None, description="Values for the parameters in bauplan_project.yml."
    )
    cache: bool | None = Field(default=None, description="Use Bauplan's cache.")
    transaction: bool | None = Field(default=None, description="Run in a transaction.")
    dry_run: bool | None = Field(default=None, description="Run without materializing.")
    strict: bool | None = Field(default=None, description="Fail on warnings.")
    preview: str | None = Field(default=None, description="Preview mode.")
    args: dict[str, Any] | None = Field(default=None, description="Extra Bauplan arguments.")
    priority: int | None = Field(default=None, ge=1, le=10, description="Priority, 1 to 10.")

    def _submit(self, client: BauplanClient) -> str:
        return client.submit_run(
            self.project_dir,
            ref=self.ref,
            namespace=self.namespace,
            parameters=self.parameters,
            cache=self.cache,
            transaction=self.transaction,
            dry_run=self.dry_run,
            strict=self.strict,
            preview=self.preview,
            args=self.args,
            priority=self.priority,
            client_timeout=self.client_timeout,
        )


class BauplanImport(_BauplanJobBlock):
    """A Bauplan data import, saved as a block: trigger it, wait, fetch the result.

    Example:
        Import new files from a flow::

            from prefect import flow
            from bauplan_provider.prefect import BauplanImport

            @flow
            def load_trips():
                run = BauplanImport.load("trips-import").trigger()
                run.wait_for_completion()
                return run.fetch_result()
    """

    _block_type_name: ClassVar[str] = "Bauplan Import"
    _block_type_slug: ClassVar[str] = "bauplan-import"
    _description: ClassVar[str] = (
        "A Bauplan data import into a table: submitted detached, followed to its end, logs "
        "copied into the Prefect run log, cancelled when the flow run is."
    )
    _documentation_url: ClassVar[str] = "https://docs.bauplanlabs.com/"  # type: ignore[assignment]
    _code_example: ClassVar[str] = """
```python
from bauplan_provider.prefect import BauplanImport

run = BauplanImport.load("BLOCK_NAME").trigger()
run.wait_for_completion()
result = run.fetch_result()
```
"""

    table: str = Field(description="Table to import into.")
    search_uri: str = Field(description="Where the files are, such as s3://bucket/path/*.parquet.")
    branch: str | None = Field(default=None, description="Branch to import on.")
    namespace: str | None = Field(default=None, description="Namespace of the table.")
    continue_on_error: bool | None = Field(
        default=None, description="Keep importing after a file fails."
    )
    import_duplicate_files: bool | None = Field(
        default=None, description="Import files that were imported before."
    )
    best_effort: bool | None = Field(
        default=None, description="Skip files that do not match the table's schema."
    )
    preview: str | None = Field(default=None, description="Preview mode.")
    args: dict[str, Any] | None = Field(default=None, description="Extra Bauplan arguments.")
    priority: int | None = Field(default=None, ge=1, le=10, description="Priority, 1 to 10.")

    def _submit(self, client: BauplanClient) -> str:
        return client.submit_import(
            self.table,
            self.search_uri,
            branch=self.branch,
            namespace=self.namespace,
            continue_on_error=self.continue_on_error,
            import_duplicate_files=self.import_duplicate_files,
            best_effort=self.best_effort,
            preview=self.preview,
            args=self.args,
            priority=self.priority,
            client_timeout=self.client_timeout,
        )
