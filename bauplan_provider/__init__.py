"""bauplan-provider: run Bauplan pipelines and imports detached from Airflow 3 and Prefect 3.

``import bauplan_provider`` imports neither orchestrator: the Airflow integration lives in
``bauplan_provider.airflow``, the Prefect one in ``bauplan_provider.prefect``, the emulator in
``bauplan_provider.testing``.
"""

from .core import (
    BauplanClient,
    BauplanConfigError,
    BauplanProviderError,
    Credentials,
    Job,
    JobStatus,
    LogLine,
    WaitPolicy,
)

__version__ = "0.1.0"

__all__ = [
    "BauplanClient",
    "BauplanConfigError",
    "BauplanProviderError",
    "Credentials",
    "Job",
    "JobStatus",
    "LogLine",
    "WaitPolicy",
    "__version__",
]
