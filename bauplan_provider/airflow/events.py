"""The payload a ``BauplanJobTrigger`` fires, and its validation on the worker side."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bauplan_provider.core import BauplanProviderError, Job, JobStatus

__all__ = ["EVENT_STATUSES", "EVENT_STATUS_BY_JOB_STATUS", "JobEvent"]

EVENT_STATUSES = frozenset({"success", "failed", "cancelled", "timeout", "error"})
EVENT_STATUS_BY_JOB_STATUS = {
    JobStatus.COMPLETE: "success",
    JobStatus.FAIL: "failed",
    JobStatus.ABORT: "cancelled",
}


@dataclass(frozen=True)
class JobEvent:
    """One trigger event: what happened to the job, as plain JSON-safe data.

    ``status``: ``success`` (COMPLETE), ``failed`` (FAIL), ``cancelled`` (ABORT), ``timeout``
    (the deadline passed; ``cancelled`` says whether the job was cancelled) or ``error`` (the
    wait stopped on an API or configuration error; the job's state is unknown).
    """

    status: str
    job_id: str
    message: str = ""
    job: dict[str, Any] | None = None
    cancelled: bool = False

    def to_payload(self) -> dict[str, Any]:
        """The dict put in the ``TriggerEvent``."""
        return {
            "status": self.status,
            "job_id": self.job_id,
            "message": self.message,
            "job": self.job,
            "cancelled": self.cancelled,
        }

    @property
    def job_record(self) -> Job | None:
        """The job record carried by the event, if any."""
        return None if self.job is None else Job.from_dict(self.job)

    @classmethod
    def from_payload(cls, payload: Any, *, expected_job_id: str | None = None) -> JobEvent:
        """Validate a trigger event payload; raise :class:`BauplanProviderError` if malformed."""
        if not isinstance(payload, dict):
            raise BauplanProviderError(
                f"Bauplan trigger event is not a dict: {type(payload).__name__}."
            )
        status = payload.get("status")
        job_id = payload.get("job_id")
        if status not in EVENT_STATUSES:
            raise BauplanProviderError(f"Bauplan trigger event has an unknown status {status!r}.")
        if not isinstance(job_id, str) or not job_id:
            raise BauplanProviderError("Bauplan trigger event carries no job id.")
        if expected_job_id is not None and job_id != expected_job_id:
            raise BauplanProviderError(
                f"Bauplan trigger event is about job {job_id}, expected {expected_job_id}."
            )
        job = payload.get("job")
        if job is not None:
            try:
                record = Job.from_dict(job)
            except (TypeError, ValueError) as exc:
                raise BauplanProviderError(
                    f"Bauplan trigger event has a bad job record: {exc}"
                ) from None
            if record.id != job_id:
                raise BauplanProviderError(
                    f"Bauplan trigger event's job record is about {record.id}, not {job_id}."
                )
            if status in ("success", "failed", "cancelled") and (
                EVENT_STATUS_BY_JOB_STATUS.get(record.status) != status
            ):
                raise BauplanProviderError(
                    f"Bauplan trigger event says {status!r} but the job is {record.status}."
                )
        elif status in ("success", "failed", "cancelled"):
            raise BauplanProviderError(f"Bauplan trigger event {status!r} carries no job record.")
        return cls(
            status=status,
            job_id=job_id,
            message=str(payload.get("message") or ""),
            job=job,
            cancelled=bool(payload.get("cancelled", False)),
        )
