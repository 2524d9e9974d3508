from __future__ import annotations

import pytest

from bauplan_provider.core import (
    BauplanJobCancelledError,
    BauplanJobFailedError,
    Job,
    JobStatus,
    LogLine,
    format_log_line,
    raise_for_outcome,
    write_job_logs,
)


def lines(n: int) -> list[LogLine]:
    return [LogLine("stdout", "INFO", f"line {i}") for i in range(n)]


def test_format() -> None:
    assert format_log_line(LogLine("stderr", "ERROR", "bad")) == "[stderr] ERROR: bad"


def test_write_keeps_tail_and_says_so() -> None:
    out: list[str] = []
    written = write_job_logs("j1", lines(25), out.append, max_lines=10)
    assert written == 10
    assert "15 earlier line(s) not shown" in out[1]
    assert out[2] == "[stdout] INFO: line 15"
    assert out[-2] == "[stdout] INFO: line 24"


def test_write_all_when_short() -> None:
    out: list[str] = []
    assert write_job_logs("j1", lines(3), out.append) == 3
    assert not any("not shown" in line for line in out)


def test_outcomes() -> None:
    done = Job(id="a", status=JobStatus.COMPLETE)
    assert raise_for_outcome(done) is done
    failed = Job(id="b", status=JobStatus.FAIL, error_message="division by zero")
    with pytest.raises(BauplanJobFailedError, match="division by zero") as info:
        raise_for_outcome(failed, lines(30))
    assert "line 29" in str(info.value) and "line 9" not in str(info.value)
    with pytest.raises(BauplanJobCancelledError, match="cancelled in Bauplan"):
        raise_for_outcome(Job(id="c", status=JobStatus.ABORT))
