"""``BauplanHook``: the ``bauplan`` connection type and the way to the core client."""

from __future__ import annotations

from typing import Any

from airflow.sdk import BaseHook
from airflow.sdk.exceptions import AirflowNotFoundException

from bauplan_provider.core import (
    BauplanClient,
    BauplanConfigError,
    BauplanProviderError,
    Credentials,
)

__all__ = ["BauplanHook", "credentials_from_connection", "job_url_from_connection"]

DEFAULT_CONN_ID = "bauplan_default"
_EXTRA_FIELDS = ("profile", "api_endpoint", "client_timeout", "job_url_template")


def _extra(conn: Any) -> dict[str, Any]:
    """The connection's extras, accepting both plain and ``extra__bauplan__`` prefixed keys."""
    raw = getattr(conn, "extra_dejson", None) or {}
    extras: dict[str, Any] = {}
    for name in _EXTRA_FIELDS:
        value = raw.get(name)
        if value in (None, ""):
            value = raw.get(f"extra__bauplan__{name}")
        if value not in (None, ""):
            extras[name] = value
    return extras


def _client_timeout(value: Any, conn_id: str) -> float | None:
    if value is None:
        return None
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        seconds = -1.0
    if isinstance(value, bool) or seconds <= 0:
        raise BauplanConfigError(
            f"Connection {conn_id!r}: extra 'client_timeout' must be a positive number of "
            f"seconds, got {value!r}.",
            field="client_timeout",
        )
    return seconds


def credentials_from_connection(conn: Any) -> Credentials:
    """Build core :class:`Credentials` from an Airflow ``bauplan`` connection.

    The password is the API key; extras ``profile``, ``api_endpoint`` and ``client_timeout``
    are optional. An empty password leaves the key to the profile or the SDK's defaults.
    """
    conn_id = str(getattr(conn, "conn_id", "") or "")
    extras = _extra(conn)
    try:
        return Credentials(
            api_key=getattr(conn, "password", None) or None,
            profile=extras.get("profile"),
            api_endpoint=extras.get("api_endpoint"),
            client_timeout=_client_timeout(extras.get("client_timeout"), conn_id),
        )
    except BauplanConfigError as exc:
        raise BauplanConfigError(f"Connection {conn_id!r}: {exc}", field=exc.field) from None


def job_url_from_connection(conn: Any, job_id: str) -> str | None:
    """The job's URL from the connection's ``job_url_template`` extra, or None when unset."""
    template = _extra(conn).get("job_url_template") if conn is not None else None
    if not template:
        return None
    return str(template).replace("{job_id}", job_id)


class BauplanHook(BaseHook):
    """Owns a ``bauplan`` connection and builds the core :class:`BauplanClient` from it.

    Connection fields: password = API key; extras ``profile``, ``api_endpoint``,
    ``client_timeout`` (seconds) and ``job_url_template`` (``https://.../{job_id}``, used for
    the "Bauplan job" link). When ``bauplan_conn_id`` is the default ``bauplan_default`` and
    no such connection exists, the SDK's default credentials are used (``BAUPLAN_API_KEY``,
    ``BAUPLAN_PROFILE`` or ``~/.bauplan/config.yaml``); any other missing connection is a
    configuration error.

    Use :meth:`get_conn` in tasks and :meth:`aget_conn` in triggers (it reads the
    connection with Airflow's async API and never blocks the event loop).
    """

    conn_name_attr = "bauplan_conn_id"
    default_conn_name = DEFAULT_CONN_ID
    conn_type = "bauplan"
    hook_name = "Bauplan"

    def __init__(self, bauplan_conn_id: str = DEFAULT_CONN_ID, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.bauplan_conn_id = bauplan_conn_id
        self._conn: Any = None
        self._conn_loaded = False
        self._client: BauplanClient | None = None

    # ----- connection -------------------------------------------------------------------

    def _missing(self) -> None:
        """Handle a connection that does not exist (fallback or configuration error)."""
        if self.bauplan_conn_id != DEFAULT_CONN_ID:
            raise BauplanConfigError(
                f"bauplan_conn_id: the Airflow connection {self.bauplan_conn_id!r} does not "
                "exist. Create it (type 'bauplan', API key as the password) or use "
                f"{DEFAULT_CONN_ID!r}.",
                field="bauplan_conn_id",
            )
        self.log.info(
            "No Airflow connection %r: using the Bauplan SDK's default credentials "
            "(BAUPLAN_API_KEY, BAUPLAN_PROFILE or ~/.bauplan/config.yaml).",
            DEFAULT_CONN_ID,
        )

    def get_connection_or_none(self) -> Any:
        """The Airflow connection, or None when ``bauplan_default`` does not exist."""
        if not self._conn_loaded:
            try:
                self._conn = self.get_connection(self.bauplan_conn_id)
            except AirflowNotFoundException:
                self._missing()
                self._conn = None
            self._conn_loaded = True
        return self._conn

    async def aget_connection_or_none(self) -> Any:
        """Async form of :meth:`get_connection_or_none` (Airflow 3's async connection API)."""
        if not self._conn_loaded:
            try:
                self._conn = await self.aget_connection(self.bauplan_conn_id)
            except AirflowNotFoundException:
                self._missing()
                self._conn = None
            self._conn_loaded = True
        return self._conn

    def _client_for(self, conn: Any) -> BauplanClient:
        if self._client is None:
            creds = Credentials() if conn is None else credentials_from_connection(conn)
            self._client = BauplanClient(creds)
        return self._client

    def get_credentials(self) -> Credentials:
        """Core credentials for this connection (SDK defaults for a missing default conn)."""
        return self.get_conn().credentials

    def get_conn(self) -> BauplanClient:
        """The core client for this connection (created once per hook)."""
        return self._client_for(self.get_connection_or_none())

    async def aget_conn(self) -> BauplanClient:
        """Async form of :meth:`get_conn`; reads the connection with the async API."""
        return self._client_for(await self.aget_connection_or_none())

    def get_job_url(self, job_id: str) -> str | None:
        """The job's URL from the connection's ``job_url_template``, or None."""
        return job_url_from_connection(self.get_connection_or_none(), job_id)

    # ----- UI ---------------------------------------------------------------------------

    def test_connection(self) -> tuple[bool, str]:
        """Call Bauplan's ``info()`` with these credentials (the UI's Test button)."""
        try:
            caller = self.get_conn().info()
        except BauplanProviderError as exc:
            return False, str(exc)
        org = f" in organization {caller.organization!r}" if caller.organization else ""
        return True, f"Connected to Bauplan as {caller.username!r}{org}."
