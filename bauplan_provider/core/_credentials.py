"""Credentials, and building a ``bauplan.Client`` from them without touching process-wide state."""

from __future__ import annotations

import atexit
import contextlib
import os
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ._errors import BauplanConfigError, redact

__all__ = ["Credentials"]

NO_KEY_MESSAGE = (
    "No Bauplan API key found. Provide one in one of three ways: set the BAUPLAN_API_KEY "
    "environment variable; pass api_key= (in Airflow: the password of the 'bauplan_default' "
    "connection; in Prefect: a BauplanCredentials block); or add a profile with an api_key to "
    "~/.bauplan/config.yaml (select it with profile= or BAUPLAN_PROFILE)."
)


@dataclass(frozen=True)
class Credentials:
    """How to reach Bauplan: an API key, a profile, or the SDK's own default resolution.

    With every field unset the SDK resolves credentials itself (``BAUPLAN_API_KEY``, then
    ``BAUPLAN_PROFILE``, then ``~/.bauplan/config.yaml``). ``api_endpoint`` overrides the
    server (for example the bundled emulator); ``client_timeout`` is passed to each SDK call
    that accepts one. The key never appears in ``repr()``.
    """

    api_key: str | None = field(default=None, repr=False)
    profile: str | None = None
    api_endpoint: str | None = None
    client_timeout: float | None = None

    def __post_init__(self) -> None:
        if self.client_timeout is not None and (
            not isinstance(self.client_timeout, (int, float)) or self.client_timeout <= 0
        ):
            raise BauplanConfigError(
                f"client_timeout must be a positive number of seconds, got "
                f"{self.client_timeout!r}.",
                field="client_timeout",
            )
        if self.api_endpoint is not None and not str(self.api_endpoint).startswith(
            ("http://", "https://")
        ):
            raise BauplanConfigError(
                f"api_endpoint must start with http:// or https://, got {self.api_endpoint!r}.",
                field="api_endpoint",
            )

    @property
    def identity(self) -> tuple[str, ...]:
        """A hashable key for "same credentials" (client timeout included) with no secret in it."""
        import hashlib

        digest = hashlib.sha256((self.api_key or "").encode()).hexdigest()[:16]
        timeout = "" if self.client_timeout is None else str(self.client_timeout)
        return (digest, self.profile or "", self.api_endpoint or "", timeout)

    def build_sdk_client(self) -> Any:
        """Create a ``bauplan.Client``; raises :class:`BauplanConfigError` when no key exists."""
        import bauplan

        kwargs: dict[str, Any] = {}
        if self.api_endpoint:
            # The SDK takes an endpoint only from env or a config profile. A config file that
            # holds just the endpoint reaches it without writing the key to disk, but disables
            # the SDK's env lookups, so the key is resolved here.
            kwargs["api_key"] = self.api_key or _key_from_environment(self.profile)
            kwargs["config_file_path"] = _endpoint_config_file(self.api_endpoint)
        else:
            if self.api_key:
                kwargs["api_key"] = self.api_key
            if self.profile:
                kwargs["profile"] = self.profile
        if self.client_timeout is not None:
            kwargs["client_timeout"] = int(self.client_timeout)
        try:
            return bauplan.Client(**kwargs)
        except ValueError as exc:
            if "api key" in str(exc).lower():
                raise BauplanConfigError(NO_KEY_MESSAGE, field="api_key") from None
            raise BauplanConfigError(
                f"Could not configure the Bauplan client: {redact(str(exc), self.api_key)}"
            ) from None


def _key_from_environment(profile: str | None) -> str:
    key = os.environ.get("BAUPLAN_API_KEY")
    if key:
        return key
    profile = profile or os.environ.get("BAUPLAN_PROFILE") or "default"
    config_path = Path(
        os.environ.get("BAUPLAN_CONFIG_PATH") or Path.home() / ".bauplan" / "config.yaml"
    )
    if config_path.is_file():
        try:
            import yaml

            data = yaml.safe_load(config_path.read_text()) or {}
            key = ((data.get("profiles") or {}).get(profile) or {}).get("api_key")
        except Exception:  # a broken config file is reported as 'no key' below
            key = None
        if key:
            return str(key)
    raise BauplanConfigError(NO_KEY_MESSAGE, field="api_key")


_config_lock = threading.Lock()
_config_files: dict[str, str] = {}


def _remove(path: str) -> None:
    with contextlib.suppress(OSError):
        os.remove(path)


def _endpoint_config_file(endpoint: str) -> str:
    """A config file holding only ``profiles.default.api_endpoint``, one per endpoint."""
    with _config_lock:
        path = _config_files.get(endpoint)
        if path is None or not os.path.exists(path):
            handle, path = tempfile.mkstemp(prefix="bauplan-endpoint-", suffix=".yaml")
            with os.fdopen(handle, "w") as file:
                file.write(f"profiles:\n  default:\n    api_endpoint: {endpoint!r}\n")
            _config_files[endpoint] = path
            atexit.register(_remove, path)
        return path
