"""Orchestrator-free core: one client over the official ``bauplan`` SDK, one way to wait.

Everything above this package talks to Bauplan only through these names.
"""

from ._client import BauplanClient, CancelOutcome, JobContextInfo
from ._credentials import Credentials
from ._errors import (
    BauplanAPIError,
    BauplanAuthError,
    BauplanConfigError,
    BauplanDeadlineError,
    BauplanJobCancelledError,
    BauplanJobError,
    BauplanJobFailedError,
    BauplanJobNotFoundError,
    BauplanPermanentError,
    BauplanProviderError,
    BauplanSubmitUncertainError,
    BauplanTransientError,
    BauplanWaitStoppedError,
    redact,
)
from ._logs import DEFAULT_MAX_LOG_LINES, format_log_line, log_tail, write_job_logs
from ._models import CallerInfo, Job, JobStatus, LogLine
from ._outcome import raise_for_outcome
from ._validation import validate_project_dir
from ._waiting import JobWatch, WaitPolicy, deadline_from_timeout, describe_job

__all__ = [
    "DEFAULT_MAX_LOG_LINES",
    "BauplanAPIError",
    "BauplanAuthError",
    "BauplanClient",
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
    "CallerInfo",
    "CancelOutcome",
    "Credentials",
    "Job",
    "JobContextInfo",
    "JobStatus",
    "JobWatch",
    "LogLine",
    "WaitPolicy",
    "deadline_from_timeout",
    "describe_job",
    "format_log_line",
    "log_tail",
    "raise_for_outcome",
    "redact",
    "validate_project_dir",
    "write_job_logs",
]
