"""Provider metadata for Airflow's ``apache_airflow_provider`` entry point.

Every Airflow process imports this module (to list providers, connection types and extra
links), so it imports nothing: not airflow, not the SDK, not the rest of this package.
"""

from __future__ import annotations

from typing import Any

__all__ = ["CONNECTION_TYPE", "get_provider_info"]

CONNECTION_TYPE = "bauplan"
_INTEGRATION = "Bauplan"
_DOCS_URL = "https://docs.bauplanlabs.com/"


def get_provider_info() -> dict[str, Any]:
    """Describe the provider: hooks, operators, sensors, triggers, connection type, links."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        versions = [version("bauplan-provider")]
    except PackageNotFoundError:  # running from a source tree that is not installed
        versions = []
    return {
        "package-name": "bauplan-provider",
        "name": "Bauplan",
        "description": (
            "Run Bauplan pipelines and data imports in detached mode, wait for them with a "
            "deferrable trigger, and pull their logs into the task log."
        ),
        "versions": versions,
        "integrations": [
            {
                "integration-name": _INTEGRATION,
                "external-doc-url": _DOCS_URL,
                "tags": ["service"],
            }
        ],
        "operators": [
            {
                "integration-name": _INTEGRATION,
                "python-modules": ["bauplan_provider.airflow.operators"],
            }
        ],
        "sensors": [
            {
                "integration-name": _INTEGRATION,
                "python-modules": ["bauplan_provider.airflow.sensors"],
            }
        ],
        "hooks": [
            {
                "integration-name": _INTEGRATION,
                "python-modules": ["bauplan_provider.airflow.hooks"],
            }
        ],
        "triggers": [
            {
                "integration-name": _INTEGRATION,
                "python-modules": ["bauplan_provider.airflow.triggers"],
            }
        ],
        "connection-types": [
            {
                "connection-type": CONNECTION_TYPE,
                "hook-class-name": "bauplan_provider.airflow.hooks.BauplanHook",
                "hook-name": "Bauplan",
                "ui-field-behaviour": {
                    "hidden-fields": ["host", "schema", "port", "login"],
                    "relabeling": {"password": "API key"},
                    "placeholders": {
                        "password": "Bauplan API key (leave empty to use a profile or the "
                        "SDK's default credentials)",
                        "extra": '{"profile": "default", "api_endpoint": "https://...", '
                        '"client_timeout": 120, "job_url_template": "https://.../{job_id}"}',
                    },
                },
                "conn-fields": {
                    "profile": {
                        "label": "Profile",
                        "description": "A profile in ~/.bauplan/config.yaml (optional).",
                        "schema": {"type": ["string", "null"]},
                    },
                    "api_endpoint": {
                        "label": "API endpoint",
                        "description": "Override the Bauplan API endpoint (optional).",
                        "schema": {"type": ["string", "null"]},
                    },
                    "client_timeout": {
                        "label": "Client timeout (seconds)",
                        "description": "Timeout of each Bauplan API call (optional).",
                        "schema": {"type": ["integer", "null"]},
                    },
                    "job_url_template": {
                        "label": "Job URL template",
                        "description": (
                            "Link shown on tasks as 'Bauplan job', with {job_id} replaced by "
                            "the job id (optional; no link when empty)."
                        ),
                        "schema": {"type": ["string", "null"]},
                    },
                },
            }
        ],
        "extra-links": ["bauplan_provider.airflow.links.BauplanJobLink"],
        "config": {
            "bauplan": {
                "description": "Settings of the Bauplan provider.",
                "options": {
                    "resume_delay_seconds": {
                        "description": (
                            "Seconds after a deferral before the Bauplan trigger may resume "
                            "the task. Airflow 3.3 can fail a task that resumes before the "
                            "scheduler has registered its deferral (apache/airflow#71580); "
                            "0 turns the hold off (e.g. for dag.test())."
                        ),
                        "version_added": "0.1.0",
                        "type": "float",
                        "example": "15",
                        "default": "15",
                    }
                },
            }
        },
    }
