"""``BauplanCredentials``: the Prefect block that says how to reach Bauplan."""

from __future__ import annotations

from typing import ClassVar

from prefect.blocks.abstract import CredentialsBlock
from pydantic import Field, SecretStr

from bauplan_provider.core import BauplanClient, Credentials

__all__ = ["BauplanCredentials"]


class BauplanCredentials(CredentialsBlock):
    """Credentials for Bauplan: an API key, a profile, or the SDK's default resolution.

    With every field empty the ``bauplan`` SDK resolves credentials itself: the
    ``BAUPLAN_API_KEY`` environment variable, then ``BAUPLAN_PROFILE``, then
    ``~/.bauplan/config.yaml`` on the machine where the flow runs.

    Example:
        Load a saved block and use its client::

            from bauplan_provider.prefect import BauplanCredentials

            credentials = BauplanCredentials.load("bauplan-prod")
            client = credentials.get_client()
    """

    _block_type_name: ClassVar[str] = "Bauplan Credentials"
    _block_type_slug: ClassVar[str] = "bauplan-credentials"
    _description: ClassVar[str] = (
        "Credentials for running Bauplan pipelines and imports from Prefect: an API key, "
        "a profile from ~/.bauplan/config.yaml, or the SDK's default resolution."
    )
    _documentation_url: ClassVar[str] = "https://docs.bauplanlabs.com/"  # type: ignore[assignment]
    _code_example: ClassVar[str] = """
```python
from bauplan_provider.prefect import BauplanCredentials, bauplan_run

credentials = BauplanCredentials.load("BLOCK_NAME")
result = bauplan_run("./my_project", ref="main", credentials=credentials)
```
"""

    api_key: SecretStr | None = Field(
        default=None,
        description=(
            "Bauplan API key. Leave empty to use BAUPLAN_API_KEY or a profile on the machine "
            "where the flow runs."
        ),
    )
    profile: str | None = Field(
        default=None,
        description="Profile name in ~/.bauplan/config.yaml (used when no API key is set).",
    )
    api_endpoint: str | None = Field(
        default=None,
        description=(
            "Bauplan API endpoint, such as http://127.0.0.1:8080 for the bundled emulator. "
            "Leave empty for Bauplan's own."
        ),
    )
    client_timeout: float | None = Field(
        default=None,
        gt=0,
        description="Timeout in seconds for each Bauplan API call that accepts one.",
    )

    def to_core(self) -> Credentials:
        """The core :class:`~bauplan_provider.core.Credentials` these fields describe."""
        return Credentials(
            api_key=self.api_key.get_secret_value() if self.api_key is not None else None,
            profile=self.profile or None,
            api_endpoint=self.api_endpoint or None,
            client_timeout=self.client_timeout,
        )

    def get_client(self) -> BauplanClient:
        """A :class:`~bauplan_provider.core.BauplanClient` using these credentials."""
        return BauplanClient(self.to_core())
