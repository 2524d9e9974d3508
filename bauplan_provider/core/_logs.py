"""How a Bauplan job's log lines are written into an orchestrator's log (one format for all)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import islice

from ._models import LogLine

__all__ = ["DEFAULT_MAX_LOG_LINES", "format_log_line", "log_tail", "write_job_logs"]

DEFAULT_MAX_LOG_LINES = 10_000


def format_log_line(line: LogLine) -> str:
    """``[stdout] INFO: message`` — one Bauplan log line as one orchestrator log line."""
    return f"[{line.stream}] {line.level}: {line.message}"


def log_tail(lines: Sequence[LogLine], max_lines: int) -> tuple[Sequence[LogLine], int]:
    """The last ``max_lines`` lines (a view, not a copy of the messages) and how many were cut."""
    if max_lines < 0:
        raise ValueError("max_lines must be >= 0")
    cut = max(0, len(lines) - max_lines)
    return (lines[cut:] if cut else lines), cut


def write_job_logs(
    job_id: str,
    lines: Sequence[LogLine],
    write: Callable[[str], object],
    *,
    max_lines: int = DEFAULT_MAX_LOG_LINES,
) -> int:
    """Write a job's log lines through ``write``, one call per line, keeping the tail.

    Returns the number of lines written. Lines are formatted one at a time, so a large log
    never becomes one big string.
    """
    cut = max(0, len(lines) - max_lines)
    write(f"----- Bauplan job {job_id}: {len(lines)} log line(s) -----")
    if cut:
        write(
            f"({cut} earlier line(s) not shown: only the last {max_lines} are kept, "
            "see max_log_lines)"
        )
    written = 0
    for line in islice(lines, cut, None):
        write(format_log_line(line))
        written += 1
    write(f"----- end of Bauplan job {job_id} logs -----")
    return written
