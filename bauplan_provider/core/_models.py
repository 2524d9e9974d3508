"""The provider's own plain, JSON-safe types; SDK objects are converted here and nowhere else."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, overload

__all__ = ["CallerInfo", "Job", "JobStatus", "LogLine", "LogLines"]


class JobStatus(str, enum.Enum):
    """Status of a Bauplan job. ``COMPLETE``, ``FAIL`` and ``ABORT`` are terminal."""

    UNSPECIFIED = "UNSPECIFIED"
    NOT_STARTED = "NOT_STARTED"
    RUNNING = "RUNNING"
    COMPLETE = "COMPLETE"
    ABORT = "ABORT"
    FAIL = "FAIL"
    OTHER = "OTHER"

    @property
    def is_terminal(self) -> bool:
        """True for COMPLETE, FAIL and ABORT: the job will not change any more."""
        return self in _TERMINAL

    def __str__(self) -> str:
        return self.value

    @classmethod
    def from_sdk(cls, state: Any) -> JobStatus:
        """Convert ``bauplan.schema.JobState`` (unhashable, never equal to a string)."""
        try:
            return _BY_NUMBER[int(state)]
        except (TypeError, ValueError, KeyError):
            name = repr(state).rsplit(".", 1)[-1].upper()
            return cls.__members__.get(name, cls.OTHER)


_TERMINAL = frozenset({JobStatus.COMPLETE, JobStatus.FAIL, JobStatus.ABORT})
# Wire numbering of JobStateType (bauplan-wire.md).
_BY_NUMBER = {
    0: JobStatus.UNSPECIFIED,
    1: JobStatus.NOT_STARTED,
    2: JobStatus.RUNNING,
    3: JobStatus.COMPLETE,
    4: JobStatus.ABORT,
    5: JobStatus.FAIL,
    6: JobStatus.OTHER,
}


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _parse_iso(value: Any) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


@dataclass(frozen=True)
class Job:
    """A snapshot of one Bauplan job, as the provider passes it around (XCom, events, results)."""

    id: str
    status: JobStatus
    kind: str = ""
    user: str = ""
    runner: str = ""
    human_readable_status: str = ""
    created_at: datetime | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    error_message: str | None = None

    @property
    def is_terminal(self) -> bool:
        """True once the job is COMPLETE, FAIL or ABORT."""
        return self.status.is_terminal

    @property
    def duration_seconds(self) -> float | None:
        """Seconds from start (or creation) to finish, when both are known."""
        start = self.started_at or self.created_at
        if start is None or self.finished_at is None:
            return None
        return max(0.0, (self.finished_at - start).total_seconds())

    def to_dict(self) -> dict[str, str | None]:
        """A JSON-safe dict (ISO-8601 timestamps) that :meth:`from_dict` reads back."""
        return {
            "id": self.id,
            "status": self.status.value,
            "kind": self.kind,
            "user": self.user,
            "runner": self.runner,
            "human_readable_status": self.human_readable_status,
            "created_at": _iso(self.created_at),
            "started_at": _iso(self.started_at),
            "finished_at": _iso(self.finished_at),
            "error_message": self.error_message,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Job:
        """Rebuild a job from :meth:`to_dict` output; raises ``ValueError`` on bad input."""
        if not isinstance(data, Mapping) or not data.get("id"):
            raise ValueError(f"not a Bauplan job record: {data!r}")
        try:
            status = JobStatus(str(data.get("status", "UNSPECIFIED")))
        except ValueError as exc:
            raise ValueError(f"unknown Bauplan job status in {data!r}") from exc
        return cls(
            id=str(data["id"]),
            status=status,
            kind=str(data.get("kind") or ""),
            user=str(data.get("user") or ""),
            runner=str(data.get("runner") or ""),
            human_readable_status=str(data.get("human_readable_status") or ""),
            created_at=_parse_iso(data.get("created_at")),
            started_at=_parse_iso(data.get("started_at")),
            finished_at=_parse_iso(data.get("finished_at")),
            error_message=data.get("error_message"),
        )

    @classmethod
    def from_sdk(cls, job: Any) -> Job:
        """Convert a ``bauplan.schema.Job``."""
        return cls(
            id=str(job.id),
            status=JobStatus.from_sdk(job.status),
            kind=str(job.kind) if job.kind is not None else "",
            user=str(job.user or ""),
            runner=str(job.runner or ""),
            human_readable_status=str(job.human_readable_status or ""),
            created_at=job.created_at,
            started_at=job.started_at,
            finished_at=job.finished_at,
            error_message=job.error_message or None,
        )


def _enum_name(value: Any) -> str:
    return repr(value).rsplit(".", 1)[-1]


@dataclass(frozen=True)
class LogLine:
    """One line of a job's user log: stream (``stdout``/``stderr``), level, message."""

    stream: str
    level: str
    message: str

    @classmethod
    def from_sdk(cls, event: Any) -> LogLine:
        """Convert a ``bauplan.schema.JobLogEvent``."""
        return cls(
            stream=_enum_name(event.stream).lower(),
            level=_enum_name(event.level).upper(),
            message=str(event.message),
        )

    def to_dict(self) -> dict[str, str]:
        """A JSON-safe dict."""
        return {"stream": self.stream, "level": self.level, "message": self.message}


class LogLines(Sequence[LogLine]):
    """A job's log as a read-only sequence over the SDK's events, converted on access.

    The SDK hands over the whole log at once; this view does not copy it (100,000 lines of
    up to 10 kB each would otherwise sit in memory twice).
    """

    __slots__ = ("_events",)

    def __init__(self, events: Iterable[Any]) -> None:
        self._events: Sequence[Any] = events if isinstance(events, Sequence) else list(events)

    def __len__(self) -> int:
        return len(self._events)

    @overload
    def __getitem__(self, index: int) -> LogLine: ...

    @overload
    def __getitem__(self, index: slice) -> LogLines: ...

    def __getitem__(self, index: int | slice) -> LogLine | LogLines:
        if isinstance(index, slice):
            return LogLines(self._events[index])
        return LogLine.from_sdk(self._events[index])

    def __iter__(self) -> Iterator[LogLine]:
        for event in self._events:
            yield LogLine.from_sdk(event)

    def __repr__(self) -> str:
        return f"<LogLines: {len(self)} line(s)>"


@dataclass(frozen=True)
class CallerInfo:
    """Who the API key belongs to (from ``info()``)."""

    username: str
    organization: str = ""
    client_version: str = ""
    server_version: str = ""
    extra: Mapping[str, str] = field(default_factory=dict)
