"""The provider's exceptions, and the one place where SDK errors are mapped to them.

Hierarchy::

    BauplanProviderError                  root: catch this to catch everything below
    ├── BauplanConfigError                bad input or configuration; raised before anything
    │                                     is submitted (also a ValueError)
    ├── BauplanAPIError                   a call to the Bauplan API failed (``.code`` = gRPC code)
    │   ├── BauplanTransientError         may succeed if retried (UNAVAILABLE, DEADLINE_EXCEEDED,
    │   │   │                             RESOURCE_EXHAUSTED, INTERNAL, connection refused)
    │   │   └── BauplanSubmitUncertainError   a submission failed transiently: the job may or
    │   │                                 may not exist; never retried automatically
    │   └── BauplanPermanentError         retrying will not help (PERMISSION_DENIED, bad request)
    │       ├── BauplanAuthError          the API key was rejected (UNAUTHENTICATED)
    │       └── BauplanJobNotFoundError   no job with that id (NOT_FOUND / "job not found")
    ├── BauplanJobError                   the job reached a terminal state other than COMPLETE
    │   ├── BauplanJobFailedError         the job ended FAIL (``.job``, ``.log_tail``)
    │   └── BauplanJobCancelledError      the job ended ABORT and nobody here asked for it
    ├── BauplanDeadlineError              the wait's deadline passed (also a TimeoutError);
    │                                     ``.cancelled`` says whether the job was cancelled
    └── BauplanWaitStoppedError           the caller's ``should_stop`` check ended a wait
                                          early (the job was left as it was)

Messages never contain an API key: SDK messages are passed through :func:`redact` before they
are stored on an exception.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ._models import Job, LogLine

__all__ = [
    "BauplanAPIError",
    "BauplanAuthError",
    "BauplanConfigError",
    "BauplanDeadlineError",
    "BauplanJobCancelledError",
    "BauplanJobError",
    "BauplanJobFailedError",
    "BauplanJobNotFoundError",
    "BauplanPermanentError",
    "BauplanProviderError",
    "BauplanSubmitUncertainError",
    "BauplanTransientError",
    "BauplanWaitStoppedError",
]


class BauplanProviderError(Exception):
    """Base class of every error raised by bauplan-provider."""


class BauplanConfigError(BauplanProviderError, ValueError):
    """Bad input or configuration, detected before anything was submitted.

    ``field`` names the offending parameter (``"project_dir"``, ``"priority"``, ...) when there
    is one.
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class BauplanAPIError(BauplanProviderError):
    """A call to the Bauplan API failed.

    ``code`` is the gRPC status name parsed from the SDK's message (``"UNAVAILABLE"``, ...) or
    ``None`` when the message named none. ``operation`` is the provider call that failed.
    """

    transient: bool = False

    def __init__(self, message: str, *, code: str | None = None, operation: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.operation = operation


class BauplanTransientError(BauplanAPIError):
    """An API error that may go away on its own; waits retry these within a time window."""

    transient = True


class BauplanSubmitUncertainError(BauplanTransientError):
    """A submission failed with a transient error: the job may or may not have been created.

    It is never retried automatically, to avoid running the same pipeline twice. Check the
    job list in Bauplan before submitting again.
    """


class BauplanPermanentError(BauplanAPIError):
    """An API error that retrying will not fix."""


class BauplanAuthError(BauplanPermanentError):
    """The Bauplan API rejected the API key (UNAUTHENTICATED)."""


class BauplanJobNotFoundError(BauplanPermanentError):
    """No Bauplan job has the requested id."""


class BauplanJobError(BauplanProviderError):
    """The job ended in a terminal state other than COMPLETE.

    ``job`` is the final job record; ``log_tail`` the last log lines that could be fetched.
    """

    def __init__(self, message: str, *, job: Job, log_tail: Sequence[LogLine] = ()) -> None:
        super().__init__(message)
        self.job = job
        self.log_tail = list(log_tail)


class BauplanJobFailedError(BauplanJobError):
    """The job ended FAIL; the message carries Bauplan's error message and the log tail."""


class BauplanJobCancelledError(BauplanJobError):
    """The job ended ABORT although nobody in this task or flow asked for it."""


class BauplanDeadlineError(BauplanProviderError, TimeoutError):
    """The wait's deadline passed before the job reached a terminal state.

    ``job`` is the last job record seen (or ``None``); ``cancelled`` is True when the job was
    cancelled because of the deadline.
    """

    def __init__(self, message: str, *, job: Job | None = None, cancelled: bool = False) -> None:
        super().__init__(message)
        self.job = job
        self.cancelled = cancelled


class BauplanWaitStoppedError(BauplanProviderError):
    """A wait ended early because its ``should_stop`` check returned True.

    Raised by ``wait_for_job(..., should_stop=...)`` so that an orchestrator can stop waiting
    when its own run is being cancelled. ``job`` is the last record seen (or ``None``). The
    job itself was not touched: cancelling it is the caller's decision.
    """

    def __init__(self, message: str, *, job: Job | None = None) -> None:
        super().__init__(message)
        self.job = job


TRANSIENT_CODES = frozenset({"UNAVAILABLE", "DEADLINE_EXCEEDED", "RESOURCE_EXHAUSTED", "INTERNAL"})

# The SDK's message carries only tonic's description of the gRPC code.
_CODE_DESCRIPTIONS = {
    "The service is currently unavailable": "UNAVAILABLE",
    "Deadline expired before operation could complete": "DEADLINE_EXCEEDED",
    "Some resource has been exhausted": "RESOURCE_EXHAUSTED",
    "Internal error": "INTERNAL",
    "The request does not have valid authentication credentials": "UNAUTHENTICATED",
    "The caller does not have permission to execute the specified operation": ("PERMISSION_DENIED"),
    "Some requested entity was not found": "NOT_FOUND",
    "Operation is not implemented or not supported": "UNIMPLEMENTED",
    "Client specified an invalid argument": "INVALID_ARGUMENT",
    "The operation was cancelled": "CANCELLED",
    "Unknown error": "UNKNOWN",
    "Operation was attempted past the valid range": "OUT_OF_RANGE",
    "The system is not in a state required for the operation's execution": "FAILED_PRECONDITION",
}
_CODE_RE = re.compile(r"code: '([^']*)'")
_BEARER_RE = re.compile(r"(?i)(bearer\s+)[^\s'\",]+")
_KEY_FIELD_RE = re.compile(r"(?i)(api[_-]?key['\"]?\s*[:=]\s*['\"]?)[^\s'\",]+")


def redact(text: str, *secrets: str | None) -> str:
    """Remove API keys from ``text``: the given secrets and anything shaped like a bearer."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    text = _BEARER_RE.sub(r"\1***", text)
    return _KEY_FIELD_RE.sub(r"\1***", text)


def grpc_code_from_message(message: str) -> str | None:
    """Parse the gRPC status name out of a ``BauplanError`` message, if it names one."""
    if "tcp connect error" in message or "Connection refused" in message:
        return "UNAVAILABLE"
    match = _CODE_RE.search(message)
    if match is None:
        return None
    description = match.group(1)
    if description in _CODE_DESCRIPTIONS:
        return _CODE_DESCRIPTIONS[description]
    upper = description.strip().upper().replace(" ", "_")
    return upper if upper.isidentifier() else None


def api_error_from_sdk(
    exc: BaseException, *, operation: str, job_id: str | None = None, api_key: str | None = None
) -> BauplanAPIError:
    """Map one SDK exception to the provider's API error classes (never leaks the key)."""
    raw = redact(str(exc), api_key)
    code = grpc_code_from_message(raw)
    subject = f" for job {job_id}" if job_id else ""
    if code in TRANSIENT_CODES:
        return BauplanTransientError(
            f"Bauplan API temporarily failed ({code}) during {operation}{subject}: {raw}",
            code=code,
            operation=operation,
        )
    if code == "UNAUTHENTICATED":
        return BauplanAuthError(
            f"Bauplan rejected the API key during {operation} (UNAUTHENTICATED): check the key "
            "in your connection, credentials block, BAUPLAN_API_KEY or profile.",
            code=code,
            operation=operation,
        )
    if code == "NOT_FOUND" or "job not found" in raw.lower():
        return BauplanJobNotFoundError(
            f"Bauplan job not found{subject} during {operation}: {raw}",
            code=code or "NOT_FOUND",
            operation=operation,
        )
    return BauplanPermanentError(
        f"Bauplan API call {operation}{subject} failed ({code or 'error'}): {raw}",
        code=code,
        operation=operation,
    )


@contextmanager
def map_sdk_errors(
    operation: str, *, job_id: str | None = None, api_key: str | None = None
) -> Iterator[None]:
    """Turn SDK ``BauplanError``s raised inside the block into provider API errors.

    The SDK's text is carried, redacted, in ours; the original is not chained so that an
    unredacted message can never reach a traceback.
    """
    from bauplan.exceptions import BauplanError

    try:
        yield
    except BauplanError as exc:
        raise api_error_from_sdk(exc, operation=operation, job_id=job_id, api_key=api_key) from None
