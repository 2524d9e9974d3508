"""``BauplanJobResult``: what ``bauplan_run`` / ``bauplan_import`` return."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bauplan_provider.core import Job, JobStatus

__all__ = ["BauplanJobResult"]


@dataclass(frozen=True)
class BauplanJobResult:
    """A finished Bauplan job, as a Prefect task returns it (plain data, no secrets).

    ``job`` is the final job record. ``project_name`` and ``ref`` come from the job's context
    when Bauplan returned it (best effort, ``None`` otherwise).
    """

    job: Job
    project_name: str | None = None
    ref: str | None = None

    @property
    def job_id(self) -> str:
        """The Bauplan job id."""
        return self.job.id

    @property
    def status(self) -> JobStatus:
        """The job's final status (``COMPLETE`` for a returned result)."""
        return self.job.status

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe dict."""
        return {
            "job": self.job.to_dict(),
            "project_name": self.project_name,
            "ref": self.ref,
        }
