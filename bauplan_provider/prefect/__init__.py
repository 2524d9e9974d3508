"""Prefect 3 integration for Bauplan: credentials block, tasks, job blocks.

Sync flows call ``bauplan_run(...)`` / ``bauplan_import(...)`` (or ``.submit(...)``); async
flows ``await abauplan_run(...)`` / ``await abauplan_import(...)``. See :mod:`.tasks` for
the rules every task follows (no caching, no resubmission on transient errors, the Bauplan
job cancelled whenever Prefect stops a wait).

Register the blocks with ``prefect block register -m bauplan_provider.prefect``.
"""

from bauplan_provider.core import (
    BauplanConfigError,
    BauplanDeadlineError,
    BauplanJobCancelledError,
    BauplanJobFailedError,
    Job,
    JobStatus,
)

from .credentials import BauplanCredentials
from .jobs import BauplanImport, BauplanJobRun, BauplanRun
from .results import BauplanJobResult
from .tasks import (
    abauplan_import,
    abauplan_run,
    await_for_bauplan_job,
    bauplan_import,
    bauplan_run,
    cancel_bauplan_job,
    get_bauplan_job,
    get_bauplan_job_logs,
    submit_bauplan_import,
    submit_bauplan_run,
    wait_for_bauplan_job,
)

__all__ = [
    "BauplanConfigError",
    "BauplanCredentials",
    "BauplanDeadlineError",
    "BauplanImport",
    "BauplanJobCancelledError",
    "BauplanJobFailedError",
    "BauplanJobResult",
    "BauplanJobRun",
    "BauplanRun",
    "Job",
    "JobStatus",
    "abauplan_import",
    "abauplan_run",
    "await_for_bauplan_job",
    "bauplan_import",
    "bauplan_run",
    "cancel_bauplan_job",
    "get_bauplan_job",
    "get_bauplan_job_logs",
    "submit_bauplan_import",
    "submit_bauplan_run",
    "wait_for_bauplan_job",
]
