"""``BauplanJobLink``: the "Bauplan job" button on a task, from the connection's URL template."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from airflow.sdk import BaseOperatorLink

if TYPE_CHECKING:
    from airflow.sdk import BaseOperator
    from airflow.sdk.types import TaskInstanceKey

__all__ = ["BauplanJobLink"]


class BauplanJobLink(BaseOperatorLink):
    """Link to the Bauplan job of a task.

    The operator stores the URL in XCom (under :attr:`xcom_key`) as soon as the job is
    submitted, built from the connection extra ``job_url_template`` (``{job_id}`` is replaced
    by the job id). Without a template there is no URL and the link stays empty.
    """

    name = "Bauplan job"

    def get_link(self, operator: BaseOperator, *, ti_key: TaskInstanceKey) -> str:
        """The URL stored for this task instance, or an empty string."""
        from airflow.sdk.execution_time.xcom import XCom

        if not getattr(operator, "job_id", None):
            return ""  # nothing was submitted (e.g. bad input): no XCom to look up

        value: Any = XCom.get_value(ti_key=ti_key, key=self.xcom_key)
        return str(value) if value else ""
