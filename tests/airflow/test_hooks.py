"""BauplanHook: connection to credentials, fallback, errors, test_connection, async API."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from airflow_support import CONN_ENV, SECRET_KEY, connection_json

from bauplan_provider.airflow import BauplanHook
from bauplan_provider.airflow.hooks import credentials_from_connection, job_url_from_connection
from bauplan_provider.core import BauplanConfigError


def test_connection_fields_become_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(
        "AIRFLOW_CONN_BP_FULL",
        connection_json(
            "https://api.example.test",
            SECRET_KEY,
            profile="prod",
            client_timeout="45",
            job_url_template="https://app.example.test/jobs/{job_id}",
        ),
    )
    hook = BauplanHook("bp_full")
    creds = hook.get_credentials()
    assert creds.api_key == SECRET_KEY
    assert creds.profile == "prod"
    assert creds.api_endpoint == "https://api.example.test"
    assert creds.client_timeout == 45.0
    assert SECRET_KEY not in repr(creds)
    assert hook.get_job_url("abc") == "https://app.example.test/jobs/abc"


def test_prefixed_extras_from_the_ui_are_read() -> None:
    class Conn:
        conn_id = "c"
        password = None
        extra_dejson = {
            "extra__bauplan__profile": "dev",
            "extra__bauplan__job_url_template": "https://x/{job_id}",
        }

    assert credentials_from_connection(Conn()).profile == "dev"
    assert job_url_from_connection(Conn(), "j1") == "https://x/j1"


def test_no_url_template_means_no_link(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CONN_ENV, connection_json("http://127.0.0.1:1", "key-123456"))
    assert BauplanHook().get_job_url("abc") is None


def test_bad_client_timeout_names_the_field(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CONN_ENV, connection_json("http://127.0.0.1:1", "k", client_timeout="x"))
    with pytest.raises(BauplanConfigError) as info:
        BauplanHook().get_conn()
    assert info.value.field == "client_timeout"
    assert "bauplan_default" in str(info.value)


def test_missing_default_connection_falls_back_to_sdk_defaults(
    monkeypatch: pytest.MonkeyPatch, capfd: Any
) -> None:
    monkeypatch.delenv(CONN_ENV, raising=False)
    creds = BauplanHook().get_credentials()
    assert (creds.api_key, creds.profile, creds.api_endpoint) == (None, None, None)
    assert "using the Bauplan SDK's default credentials" in capfd.readouterr().out


def test_missing_explicit_connection_is_a_config_error() -> None:
    with pytest.raises(BauplanConfigError) as info:
        BauplanHook("no_such_conn").get_conn()
    assert info.value.field == "bauplan_conn_id"
    assert "'no_such_conn' does not exist" in str(info.value)


def test_test_connection_against_the_emulator(emulator: Any) -> None:
    ok, message = BauplanHook().test_connection()
    assert ok, message
    assert emulator.username in message
    assert any(entry.ok for entry in emulator.journal)


def test_test_connection_reports_a_rejected_key(
    emulator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CONN_ENV, connection_json(emulator.endpoint, SECRET_KEY))
    ok, message = BauplanHook().test_connection()
    assert not ok
    assert "rejected the API key" in message
    assert SECRET_KEY not in message


def test_async_client_reads_the_connection_with_the_async_api(emulator: Any) -> None:
    async def scenario() -> str:
        client = await BauplanHook().aget_conn()
        return (await client.info_async()).username

    assert asyncio.run(scenario()) == emulator.username


def test_async_missing_default_connection_falls_back(
    bauplan_emulator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No connection at all: the SDK's env (set by the emulator fixture) is used."""
    monkeypatch.delenv(CONN_ENV, raising=False)

    async def scenario() -> str:
        client = await BauplanHook().aget_conn()
        return (await client.info_async()).username

    assert asyncio.run(scenario()) == bauplan_emulator.username
