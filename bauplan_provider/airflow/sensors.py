"""``BauplanJobSensor``: wait for an existing Bauplan job (for example one submitted with
``wait_for_completion=False``)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from airflow.sdk import BaseSensorOperator, PokeReturnValue
from airflow.sdk.exceptions import AirflowSensorTimeout

from bauplan_provider.core import (
    DEFAULT_MAX_LOG_LINES,
    BauplanClient,
    BauplanConfigError,
    BauplanProviderError,
    BauplanTransientError,
    Job,
    describe_job,
)

from ._logging import core_log
from .events import JobEvent
from .hooks import DEFAULT_CONN_ID, BauplanHook
from .triggers import BauplanJobTrigger, resume_not_before

if TYPE_CHECKING:
    from airflow.sdk import Context

__all__ = ["BauplanJobSensor"]

_MIN_POLL_SECONDS = 0.1


class BauplanJobSensor(BaseSensorOperator):
    """Wait until a Bauplan job ends: success on COMPLETE, failure on FAIL or ABORT.

    The job is not this task's: the sensor never cancels it. ``poke_interval`` and
    ``timeout`` are Airflow's sensor parameters; in deferrable mode (the default) the same
    ``BauplanJobTrigger`` as the operators polls every ``poke_interval`` seconds in the
    triggerer until ``timeout``. Pass ``deferrable=False`` for classic ``poke`` /
    ``reschedule`` modes. Returns the job id.

    :param job_id: the job to wait for (templated; e.g.
        ``"{{ ti.xcom_pull(task_ids='submit', key='job_id') }}"``).
    :param bauplan_conn_id: Airflow connection of type ``bauplan``.
    :param deferrable: wait in the triggerer (default True).
    :param fetch_logs: copy the job's logs into the task log when it ends (default True).
    :param max_log_lines: keep only the last lines of a longer log.
    :param batched_polling: while deferred, poll through the triggerer's shared ``GetJobs``
        call (default True).
    """

    template_fields: Sequence[str] = ("job_id",)
    ui_color = "#e8f0fe"

    def __init__(
        self,
        *,
        job_id: str,
        bauplan_conn_id: str = DEFAULT_CONN_ID,
        deferrable: bool = True,
        fetch_logs: bool = True,
        max_log_lines: int = DEFAULT_MAX_LOG_LINES,
        batched_polling: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.job_id = job_id
        self.bauplan_conn_id = bauplan_conn_id
        self.deferrable = deferrable
        self.fetch_logs = fetch_logs
        self.max_log_lines = max_log_lines
        self.batched_polling = batched_polling
        self._client: BauplanClient | None = None

    def _job_id(self) -> str:
        job_id = self.job_id
        if not isinstance(job_id, str) or not job_id.strip() or job_id.strip() == "None":
            raise BauplanConfigError(
                f"job_id must be a Bauplan job id, got {job_id!r} (did the XCom it is "
                "templated from exist?).",
                field="job_id",
            )
        return job_id.strip()

    def _get_client(self) -> BauplanClient:
        if self._client is None:
            self._client = BauplanHook(self.bauplan_conn_id).get_conn()
        return self._client

    def execute(self, context: Context) -> Any:
        """Poke once; then defer to the trigger (deferrable) or poke on (classic modes)."""
        job_id = self._job_id()
        if not self.deferrable:
            return super().execute(context)
        done = self.poke(context)
        if done:
            return job_id
        self.defer(
            trigger=BauplanJobTrigger(
                job_id=job_id,
                bauplan_conn_id=self.bauplan_conn_id,
                poll_interval=max(self.poke_interval, _MIN_POLL_SECONDS),
                max_poll_interval=max(self.poke_interval, _MIN_POLL_SECONDS),
                deadline=time.time() + self.timeout,
                cancel_on_timeout=False,
                cancel_on_kill=False,
                batched_polling=self.batched_polling,
                resume_not_before=resume_not_before(),
            ),
            method_name="execute_complete",
        )

    def poke(self, context: Context) -> bool | PokeReturnValue:
        """Read the job once: False while it runs, True on COMPLETE, raise on FAIL/ABORT."""
        job_id = self._job_id()
        client = self._get_client()
        try:
            job = client.get_job(job_id)
        except BauplanTransientError as exc:
            self.log.warning("Could not read Bauplan job %s (will try again): %s", job_id, exc)
            return False
        self.log.info(describe_job(job))
        if not job.is_terminal:
            return False
        self._finish(client, job)
        return PokeReturnValue(is_done=True, xcom_value=job.id)

    def execute_complete(self, context: Context, event: dict[str, Any] | None = None) -> str:
        """Resume after the trigger fired: validate the event, pull logs, decide."""
        ev = JobEvent.from_payload(event, expected_job_id=self._job_id())
        if ev.status == "timeout":
            raise AirflowSensorTimeout(
                f"Sensor timed out after {self.timeout:g} s: {ev.message} The job was not "
                "cancelled (it is not this task's)."
            )
        if ev.status == "error":
            raise BauplanProviderError(f"Stopped waiting for Bauplan job {ev.job_id}: {ev.message}")
        job = ev.job_record
        if job is None:
            raise BauplanProviderError(f"Bauplan trigger event for {ev.job_id} has no job record.")
        return self._finish(self._get_client(), job)

    def _finish(self, client: BauplanClient, job: Job) -> str:
        client.conclude_job(
            job,
            self.log.info,
            fetch_logs=self.fetch_logs,
            max_log_lines=self.max_log_lines,
            log=core_log(self.log),
        )
        return job.id
