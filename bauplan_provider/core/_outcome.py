"""What a terminal job means for the caller: return it, or raise the matching error."""

from __future__ import annotations

from collections.abc import Sequence

from ._errors import BauplanJobCancelledError, BauplanJobFailedError, BauplanProviderError
from ._logs import format_log_line
from ._models import Job, JobStatus, LogLine

__all__ = ["MESSAGE_TAIL_LINES", "raise_for_outcome"]

MESSAGE_TAIL_LINES = 20


def _tail_text(log_tail: Sequence[LogLine]) -> str:
    if not log_tail:
        return ""
    shown = log_tail[-MESSAGE_TAIL_LINES:]
    body = "\n".join(format_log_line(line) for line in shown)
    return f"\nLast {len(shown)} log line(s):\n{body}"


def raise_for_outcome(job: Job, log_tail: Sequence[LogLine] = ()) -> Job:
    """Return ``job`` if it is COMPLETE; raise for FAIL, ABORT or a non-terminal status.

    FAIL raises :class:`BauplanJobFailedError` with Bauplan's error message and the last log
    lines; ABORT raises :class:`BauplanJobCancelledError` ("cancelled in Bauplan"), never a
    success.
    """
    if job.status is JobStatus.COMPLETE:
        return job
    if job.status is JobStatus.FAIL:
        reason = job.error_message or "no error message was reported"
        raise BauplanJobFailedError(
            f"Bauplan job {job.id} failed: {reason}{_tail_text(log_tail)}",
            job=job,
            log_tail=log_tail,
        )
    if job.status is JobStatus.ABORT:
        raise BauplanJobCancelledError(
            f"Bauplan job {job.id} was cancelled in Bauplan (ABORT) by someone or something "
            f"other than this task.{_tail_text(log_tail)}",
            job=job,
            log_tail=log_tail,
        )
    raise BauplanProviderError(f"Bauplan job {job.id} is not finished (status {job.status}).")
