"""A markdown artifact summarising one Bauplan job (best effort; never holds a secret)."""

from __future__ import annotations

import logging
import re
from uuid import UUID

from bauplan_provider.core import Job, JobContextInfo, redact

__all__ = [
    "artifact_key",
    "job_summary_markdown",
    "publish_job_summary",
    "publish_job_summary_async",
]

Log = logging.Logger | logging.LoggerAdapter[logging.Logger]


def artifact_key(job_id: str) -> str:
    """``bauplan-job-<id>``: Prefect keys hold only lowercase letters, digits and dashes."""
    cleaned = re.sub(r"[^a-z0-9-]+", "-", job_id.lower()).strip("-")
    return f"bauplan-job-{cleaned or 'unknown'}"


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return text.replace("|", "\\|").replace("\n", " ") or "-"


def job_summary_markdown(
    job: Job, context: JobContextInfo | None = None, *, secret: str | None = None
) -> str:
    """The artifact's markdown: id, kind, status, timing, project/ref, error."""
    duration = job.duration_seconds
    rows: list[tuple[str, object]] = [
        ("Job id", f"`{job.id}`"),
        ("Kind", job.kind),
        ("Status", job.status.value),
        ("User", job.user),
        ("Runner", job.runner),
        ("Created", job.created_at.isoformat() if job.created_at else None),
        ("Finished", job.finished_at.isoformat() if job.finished_at else None),
        ("Duration", f"{duration:.1f} s" if duration is not None else None),
    ]
    if context is not None:
        rows += [
            ("Project", context.project_name),
            ("Ref", context.ref),
            ("Branch", context.branch),
        ]
    lines = [f"# Bauplan job `{job.id}`: {job.status.value}", "", "| | |", "|---|---|"]
    lines += [f"| {name} | {_cell(value)} |" for name, value in rows if value not in (None, "")]
    error = job.error_message or (context.error_message if context else None)
    if error:
        lines += ["", "## Error", "", "```", redact(error, secret), "```"]
    lines += ["", f"Inspect it with `bauplan job get {job.id}` and `bauplan job logs {job.id}`."]
    return "\n".join(lines) + "\n"


def _description(job: Job) -> str:
    return f"Bauplan {job.kind or 'job'} {job.id} ended {job.status.value}"


def publish_job_summary(
    job: Job, context: JobContextInfo | None, log: Log, *, secret: str | None = None
) -> UUID | None:
    """Create the job's markdown artifact; a failure is a warning, never a changed outcome."""
    from prefect.artifacts import create_markdown_artifact

    try:
        artifact_id: UUID = create_markdown_artifact(  # type: ignore[assignment]
            markdown=job_summary_markdown(job, context, secret=secret),
            key=artifact_key(job.id),
            description=_description(job),
            _sync=True,  # type: ignore[call-arg]
        )
        return artifact_id
    except Exception as exc:
        log.warning("Could not create the artifact for Bauplan job %s: %s", job.id, exc)
        return None


async def publish_job_summary_async(
    job: Job, context: JobContextInfo | None, log: Log, *, secret: str | None = None
) -> UUID | None:
    """Async form of :func:`publish_job_summary`."""
    from prefect.artifacts import MarkdownArtifact

    try:
        artifact = MarkdownArtifact(
            markdown=job_summary_markdown(job, context, secret=secret),
            key=artifact_key(job.id),
            description=_description(job),
        )
        created = await artifact.acreate()
        return created.id
    except Exception as exc:
        log.warning("Could not create the artifact for Bauplan job %s: %s", job.id, exc)
        return None
