"""Jobs, scripts and the job lifecycle of the emulator.

A job's state is never advanced by a background thread: each job stores *when* things happen
(queued at ``created_at``, starts at ``start_at``, ends at ``natural_end_at``, or earlier when
an override — a cancel, or ``complete_job``/``fail_job``/``abort_job`` — comes first) and every
read evaluates that plan against ``time.time()``. Reads are therefore cheap, consistent
across threads, and survive a server restart (the store outlives the gRPC server).

Lifecycle: ``NOT_STARTED`` (queue delay) → ``RUNNING`` (duration; ``OTHER`` for the second
half with ``OTHER_THEN_COMPLETE``) → ``COMPLETE`` / ``FAIL`` / ``ABORT``; a ``NEVER`` job
stays ``RUNNING`` until cancelled or ended by job control.

Scripts (``JobScript``) are matched per submission against project name, ref (the import's
branch counts as ref), table name, job kind and request ``args`` (every given key/value must
be present). The most recently added matching script wins; a script with ``times=N`` is used
for N submissions and then retired.

Memory is bounded: beyond ``max_jobs`` (≥ 10,000) the oldest *finished* jobs are evicted,
never one that is still queued or running.
"""

from __future__ import annotations

import itertools
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

TERMINAL_STATES: frozenset[str] = frozenset({"COMPLETE", "FAIL", "ABORT"})
FINAL_STATES: frozenset[str] = frozenset(
    {"COMPLETE", "FAIL", "ABORT", "OTHER_THEN_COMPLETE", "NEVER"}
)
STREAMS: frozenset[str] = frozenset({"stdout", "stderr"})
LEVELS: frozenset[str] = frozenset({"ERROR", "WARNING", "DEBUG", "INFO", "TRACE"})
HUMAN_STATUS: dict[str, str] = {
    "NOT_STARTED": "Queued",
    "RUNNING": "Running",
    "OTHER": "Other",
    "COMPLETE": "Completed",
    "FAIL": "Failed",
    "ABORT": "Cancelled",
}
KIND_LABEL: dict[str, str] = {
    "CODE_SNAPSHOT_RUN": "CodeSnapshotRun",
    "TABLE_DATA_IMPORT": "TableDataImport",
}
MIN_MAX_JOBS = 10_000
DEFAULT_FAIL_MESSAGE = "Job failed (scripted by the Bauplan emulator)."
SNAPSHOT_STORE_LIMIT = 8 * 1024 * 1024  # keep uploaded zips up to this size for GetJobContext


@dataclass(frozen=True)
class LogLine:
    """One user log line a job prints: ``stream`` is ``stdout``/``stderr``, ``level`` one of
    ERROR, WARNING, DEBUG, INFO, TRACE."""

    message: str
    stream: str = "stdout"
    level: str = "INFO"

    def __post_init__(self) -> None:
        if self.stream not in STREAMS:
            raise ValueError(f"log stream must be one of {sorted(STREAMS)}, not {self.stream!r}")
        if self.level not in LEVELS:
            raise ValueError(f"log level must be one of {sorted(LEVELS)}, not {self.level!r}")

    @classmethod
    def coerce(cls, value: LogLine | Sequence[str] | Mapping[str, str] | str) -> LogLine:
        """Accept a ``LogLine``, a ``(stream, level, message)`` tuple, a dict or a str."""
        if isinstance(value, LogLine):
            return value
        if isinstance(value, str):
            return cls(message=value)
        if isinstance(value, Mapping):
            return cls(
                message=str(value["message"]),
                stream=str(value.get("stream", "stdout")),
                level=str(value.get("level", "INFO")).upper(),
            )
        items = list(value)
        if len(items) != 3:
            raise ValueError("a log line tuple is (stream, level, message)")
        return cls(message=str(items[2]), stream=str(items[0]), level=str(items[1]).upper())


@dataclass(frozen=True)
class JobScript:
    """The scripted outcome of a submission.

    - ``final_state``: COMPLETE, FAIL, ABORT (as if someone else cancelled it),
      OTHER_THEN_COMPLETE (OTHER during the second half of the run), or NEVER (runs forever).
    - ``duration`` / ``queue_delay``: seconds RUNNING / NOT_STARTED; ``None`` = emulator default.
    - ``error_message``: the job's error message (FAIL gets a default one).
    - ``logs``: user log lines replacing the default one-line-per-model logs (``None`` keeps
      them); items are ``LogLine``, ``(stream, level, message)`` tuples, dicts or str.
    - ``cancel_delay``: seconds between a ``CancelJob`` and the job reading ABORT.
    - ``cancel_fails``: ``CancelJob`` answers FAILURE with ``cancel_message``.
    - ``times``: use this script for the next N matching submissions only (``None`` = all).
    """

    final_state: str = "COMPLETE"
    duration: float | None = None
    queue_delay: float | None = None
    error_message: str | None = None
    logs: Sequence[Any] | None = None
    cancel_delay: float = 0.0
    cancel_fails: bool = False
    cancel_message: str = "Job cannot be cancelled (scripted by the Bauplan emulator)."
    times: int | None = None

    def __post_init__(self) -> None:
        state = str(self.final_state).upper()
        if state not in FINAL_STATES:
            raise ValueError(
                f"final_state must be one of {sorted(FINAL_STATES)}, not {self.final_state!r}"
            )
        object.__setattr__(self, "final_state", state)
        for name in ("duration", "queue_delay", "cancel_delay"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, int | float) or value < 0):
                raise ValueError(f"{name} must be a number >= 0, not {value!r}")
        if self.times is not None and (not isinstance(self.times, int) or self.times < 1):
            raise ValueError(f"times must be a positive integer or None, not {self.times!r}")
        if self.logs is not None:
            object.__setattr__(self, "logs", tuple(LogLine.coerce(x) for x in self.logs))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> JobScript:
        """Build a script from JSON-like data (the admin API's body), rejecting unknown keys."""
        allowed = set(cls.__dataclass_fields__)
        unknown = set(data) - allowed
        if unknown:
            raise ValueError(f"unknown JobScript field(s): {sorted(unknown)}")
        return cls(**dict(data))

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form."""
        return {
            "final_state": self.final_state,
            "duration": self.duration,
            "queue_delay": self.queue_delay,
            "error_message": self.error_message,
            "logs": None
            if self.logs is None
            else [{"stream": x.stream, "level": x.level, "message": x.message} for x in self.logs],
            "cancel_delay": self.cancel_delay,
            "cancel_fails": self.cancel_fails,
            "cancel_message": self.cancel_message,
            "times": self.times,
        }


@dataclass
class ScriptRule:
    """A script plus what a submission must match to get it (``None`` matches anything)."""

    id: str
    script: JobScript
    project_name: str | None = None
    ref: str | None = None
    table: str | None = None
    kind: str | None = None
    args: dict[str, str] | None = None
    remaining: int | None = None
    used: int = 0

    def matches(self, sub: Submission) -> bool:
        if self.project_name is not None and sub.project_name != self.project_name:
            return False
        if self.ref is not None and sub.ref != self.ref:
            return False
        if self.table is not None and sub.table != self.table:
            return False
        if self.kind is not None and sub.kind != self.kind:
            return False
        return not self.args or all(sub.args.get(k) == v for k, v in self.args.items())

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "script": self.script.to_dict(),
            "match": {
                "project_name": self.project_name,
                "ref": self.ref,
                "table": self.table,
                "kind": self.kind,
                "args": self.args,
            },
            "remaining": self.remaining,
            "used": self.used,
        }


@dataclass
class Submission:
    """What a client submitted (the fields scripts match on, plus what jobs keep)."""

    kind: str
    user: str
    project_id: str | None = None
    project_name: str | None = None
    ref: str | None = None
    namespace: str | None = None
    table: str | None = None
    args: dict[str, str] = field(default_factory=dict)
    models: tuple[str, ...] = ()
    snapshot: bytes | None = None


@dataclass(frozen=True)
class JobRecord:
    """A job as the emulator reports it at one instant (plain, JSON-safe via ``to_dict``).

    ``status`` is one of NOT_STARTED, RUNNING, OTHER, COMPLETE, FAIL, ABORT; times are Unix
    seconds (``None`` when not reached).
    """

    id: str
    kind: str
    status: str
    user: str
    runner: str
    created_at: float
    started_at: float | None
    finished_at: float | None
    error_message: str | None
    project_id: str | None
    project_name: str | None
    ref: str | None
    namespace: str | None
    table: str | None
    args: dict[str, str]
    models: tuple[str, ...]
    cancel_requested: bool

    @property
    def is_terminal(self) -> bool:
        return self.status in TERMINAL_STATES

    @property
    def human_readable_status(self) -> str:
        return HUMAN_STATUS[self.status]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "status": self.status,
            "human_readable_status": self.human_readable_status,
            "user": self.user,
            "runner": self.runner,
            "created_at": self.created_at,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "error_message": self.error_message,
            "project_id": self.project_id,
            "project_name": self.project_name,
            "ref": self.ref,
            "namespace": self.namespace,
            "table": self.table,
            "args": dict(self.args),
            "models": list(self.models),
            "cancel_requested": self.cancel_requested,
        }


@dataclass(frozen=True)
class _End:
    state: str
    at: float
    error_message: str | None
    reason: str


@dataclass(frozen=True)
class TimedEvent:
    """A log/runner event of a job, emitted at ``at`` (Unix seconds).

    ``type`` is ``user`` or ``system`` for log lines, ``completion`` for the job-completion
    event (``state`` then carries the final state).
    """

    at: float
    type: str
    message: str
    stream: str = "stdout"
    level: str = "INFO"
    state: str | None = None
    model: str | None = None


@dataclass
class Job:
    """The emulator's stored plan for one job (see module docstring)."""

    id: str
    seq: int
    runner: str
    created_at: float
    submission: Submission
    script: JobScript
    start_at: float
    run_duration: float
    natural: _End | None  # None: never ends by itself
    override: _End | None = None
    cancel_requested_at: float | None = None

    def end(self) -> _End | None:
        """The effective end: the earliest of the natural end and an override."""
        if self.override is not None and (
            self.natural is None or self.override.at < self.natural.at
        ):
            return self.override
        return self.natural

    def state_at(self, now: float) -> str:
        end = self.end()
        if end is not None and now >= end.at:
            return end.state
        if now < self.start_at:
            return "NOT_STARTED"
        if (
            self.script.final_state == "OTHER_THEN_COMPLETE"
            and now >= self.start_at + self.run_duration / 2
        ):
            return "OTHER"
        return "RUNNING"

    def record(self, now: float) -> JobRecord:
        end = self.end()
        finished = end is not None and now >= end.at
        started_at = self.start_at if now >= self.start_at else None
        if finished and end is not None and self.start_at > end.at:
            started_at = None
        sub = self.submission
        return JobRecord(
            id=self.id,
            kind=sub.kind,
            status=self.state_at(now),
            user=sub.user,
            runner=self.runner,
            created_at=self.created_at,
            started_at=started_at,
            finished_at=end.at if finished and end is not None else None,
            error_message=end.error_message if finished and end is not None else None,
            project_id=sub.project_id,
            project_name=sub.project_name,
            ref=sub.ref,
            namespace=sub.namespace,
            table=sub.table,
            args=dict(sub.args),
            models=sub.models,
            cancel_requested=self.cancel_requested_at is not None,
        )

    def events_until(self, now: float) -> list[TimedEvent]:
        """Every event of the job's plan emitted at or before ``now``, in order."""
        return [e for e in self.planned_events() if e.at <= now]

    def planned_events(self) -> list[TimedEvent]:
        end = self.end()
        horizon = end.at if end is not None else float("inf")
        label = KIND_LABEL.get(self.submission.kind, self.submission.kind)
        events = [TimedEvent(self.created_at, "system", f"{label} job {self.id} queued.")]
        if self.start_at <= horizon:
            events.append(
                TimedEvent(self.start_at, "system", f"Job {self.id} started on {self.runner}.")
            )
            lines = self._user_lines()
            step = self.run_duration / (len(lines) + 1) if lines else 0.0
            for i, (line, model) in enumerate(lines, start=1):
                at = self.start_at + step * i
                if at <= horizon:
                    events.append(
                        TimedEvent(at, "user", line.message, line.stream, line.level, model=model)
                    )
        if end is not None:
            if end.state == "FAIL" and end.error_message:
                events.append(TimedEvent(end.at, "user", end.error_message, "stderr", "ERROR"))
            events.append(
                TimedEvent(end.at, "system", f"Job {self.id} finished: {end.state} ({end.reason}).")
            )
            events.append(
                TimedEvent(end.at, "completion", end.error_message or end.reason, state=end.state)
            )
        events.sort(key=lambda e: e.at)  # stable: equal times keep plan order
        return events

    def _user_lines(self) -> list[tuple[LogLine, str | None]]:
        if self.script.logs is not None:
            return [(line, None) for line in self.script.logs]
        sub = self.submission
        if sub.kind == "TABLE_DATA_IMPORT":
            return [(LogLine(f"Importing files into table {sub.table}."), None)]
        return [(LogLine(f"Running model {m}."), m) for m in sub.models]


class JobStore:
    """Thread-safe store of jobs and scripts (one lock; every method is atomic)."""

    def __init__(
        self,
        *,
        default_duration: float = 1.0,
        default_queue_delay: float = 0.0,
        runner: str = "emulator-runner",
        max_jobs: int = MIN_MAX_JOBS,
        clock: Any = time.time,
    ) -> None:
        if max_jobs < MIN_MAX_JOBS:
            raise ValueError(f"max_jobs must be at least {MIN_MAX_JOBS}, not {max_jobs}")
        self.default_duration = float(default_duration)
        self.default_queue_delay = float(default_queue_delay)
        self.runner = runner
        self.max_jobs = max_jobs
        self._clock = clock
        self._lock = threading.RLock()
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._rules: list[ScriptRule] = []
        self._seq = itertools.count(1)
        self.evicted = 0

    def now(self) -> float:
        return float(self._clock())

    # ---------------------------------------------------------------- scripts

    def add_script(
        self,
        script: JobScript,
        *,
        project_name: str | None = None,
        ref: str | None = None,
        table: str | None = None,
        kind: str | None = None,
        args: Mapping[str, str] | None = None,
    ) -> str:
        if kind is not None and kind not in KIND_LABEL:
            raise ValueError(f"kind must be one of {sorted(KIND_LABEL)}, not {kind!r}")
        rule = ScriptRule(
            id=uuid.uuid4().hex[:12],
            script=script,
            project_name=project_name,
            ref=ref,
            table=table,
            kind=kind,
            args={str(k): str(v) for k, v in args.items()} if args else None,
            remaining=script.times,
        )
        with self._lock:
            self._rules.insert(0, rule)  # most recent first
        return rule.id

    def remove_script(self, rule_id: str) -> bool:
        with self._lock:
            before = len(self._rules)
            self._rules = [r for r in self._rules if r.id != rule_id]
            return len(self._rules) != before

    def clear_scripts(self) -> None:
        with self._lock:
            self._rules.clear()

    def scripts(self) -> list[ScriptRule]:
        with self._lock:
            return [replace(r) for r in self._rules]

    def _take_script(self, sub: Submission) -> JobScript:
        for rule in self._rules:
            if rule.matches(sub):
                rule.used += 1
                if rule.remaining is not None:
                    rule.remaining -= 1
                    if rule.remaining <= 0:
                        self._rules.remove(rule)
                return rule.script
        return JobScript()

    # ---------------------------------------------------------------- jobs

    def submit(self, sub: Submission, *, script: JobScript | None = None) -> JobRecord:
        """Create a job for a submission (the matching script decides its plan)."""
        if sub.snapshot is not None and len(sub.snapshot) > SNAPSHOT_STORE_LIMIT:
            sub.snapshot = None
        with self._lock:
            # Microsecond precision, like the datetimes clients filter with.
            now = round(self.now(), 6)
            chosen = script if script is not None else self._take_script(sub)
            queue = self.default_queue_delay if chosen.queue_delay is None else chosen.queue_delay
            duration = self.default_duration if chosen.duration is None else chosen.duration
            start_at = now + queue
            natural = _natural_end(chosen, start_at + duration)
            job = Job(
                id=str(uuid.uuid4()),
                seq=next(self._seq),
                runner=self.runner,
                created_at=now,
                submission=sub,
                script=chosen,
                start_at=start_at,
                run_duration=duration,
                natural=natural,
            )
            self._jobs[job.id] = job
            self._evict(now)
            return job.record(now)

    def _evict(self, now: float) -> None:
        excess = len(self._jobs) - self.max_jobs
        if excess <= 0:
            return
        victims: list[str] = []
        for job_id, job in self._jobs.items():  # oldest first
            if len(victims) >= excess:
                break
            if job.state_at(now) in TERMINAL_STATES:
                victims.append(job_id)
        for job_id in victims:
            del self._jobs[job_id]
        self.evicted += len(victims)

    def get(self, job_id: str) -> JobRecord | None:
        with self._lock:
            job = self._jobs.get(job_id)
            return None if job is None else job.record(self.now())

    def events(self, job_id: str) -> tuple[JobRecord, list[TimedEvent]] | None:
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None:
                return None
            now = self.now()
            return job.record(now), job.events_until(now)

    def snapshot_bytes(self, job_id: str) -> bytes | None:
        with self._lock:
            job = self._jobs.get(job_id)
            return None if job is None else job.submission.snapshot

    def records(self) -> list[JobRecord]:
        """All jobs, newest first."""
        with self._lock:
            now = self.now()
            return [job.record(now) for job in reversed(self._jobs.values())]

    def page(
        self, *, before_seq: int | None, predicate: Any, limit: int
    ) -> tuple[list[JobRecord], int | None]:
        """Newest-first jobs with ``seq < before_seq`` matching ``predicate``; at most
        ``limit``. Returns the page and the seq to continue from (``None`` on the last page)."""
        out: list[JobRecord] = []
        with self._lock:
            now = self.now()
            for job in reversed(self._jobs.values()):
                if before_seq is not None and job.seq >= before_seq:
                    continue
                rec = job.record(now)
                if not predicate(rec):
                    continue
                if len(out) == limit:
                    return out, self._seq_of(out[-1].id)
                out.append(rec)
        return out, None

    def _seq_of(self, job_id: str) -> int:
        return self._jobs[job_id].seq

    def __len__(self) -> int:
        with self._lock:
            return len(self._jobs)

    # ---------------------------------------------------------------- control

    def cancel(self, job_id: str, *, by: str) -> tuple[bool, str]:
        """Handle a CancelJob: returns (accepted, message). Raises KeyError if unknown."""
        with self._lock:
            job = self._jobs[job_id]
            now = self.now()
            state = job.state_at(now)
            if job.script.cancel_fails:
                return False, job.script.cancel_message
            if state in TERMINAL_STATES:
                return False, f"Job {job_id} already finished with status {state}."
            if job.cancel_requested_at is None:
                job.cancel_requested_at = now
                _set_override(
                    job, _End("ABORT", now + job.script.cancel_delay, None, f"cancelled by {by}")
                )
            return True, f"Cancellation of job {job_id} requested."

    def finish_now(self, job_id: str, state: str, *, message: str | None = None) -> JobRecord:
        """Job control: end a job now as COMPLETE, FAIL or ABORT.

        Raises KeyError for an unknown job and ValueError if it has already finished.
        """
        if state not in TERMINAL_STATES:
            raise ValueError(f"state must be one of {sorted(TERMINAL_STATES)}, not {state!r}")
        with self._lock:
            job = self._jobs[job_id]
            now = self.now()
            current = job.state_at(now)
            if current in TERMINAL_STATES:
                raise ValueError(f"job {job_id} already finished with status {current}")
            if state == "FAIL" and not message:
                message = DEFAULT_FAIL_MESSAGE
            reason = {"COMPLETE": "success", "FAIL": "failure", "ABORT": "aborted"}[state]
            job.override = _End(state, now, message, f"{reason} (emulator job control)")
            return job.record(now)


def _set_override(job: Job, end: _End) -> None:
    if job.override is None or end.at < job.override.at:
        job.override = end


def _natural_end(script: JobScript, at: float) -> _End | None:
    state = script.final_state
    if state == "NEVER":
        return None
    if state == "FAIL":
        return _End("FAIL", at, script.error_message or DEFAULT_FAIL_MESSAGE, "failure")
    if state == "ABORT":
        return _End("ABORT", at, script.error_message, "cancelled by another user")
    return _End("COMPLETE", at, script.error_message, "success")
