"""Provider registration: metadata, cheap import, what Airflow's CLI shows."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

from bauplan_provider.airflow.provider_info import get_provider_info

AIRFLOW = str(Path(sys.executable).with_name("airflow"))


def _airflow(*args: str) -> str:
    result = subprocess.run(
        [AIRFLOW, *args], capture_output=True, text=True, timeout=120, env=os.environ.copy()
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def test_metadata_is_complete_and_points_at_real_classes() -> None:
    info = get_provider_info()
    assert info["package-name"] == "bauplan-provider"
    for key in ("name", "description", "integrations", "operators", "sensors", "hooks"):
        assert info[key]
    for section in ("operators", "sensors", "hooks", "triggers"):
        for item in info[section]:
            assert item["integration-name"] == "Bauplan"
            for module in item["python-modules"]:
                importlib.import_module(module)
    (conn_type,) = info["connection-types"]
    assert conn_type["connection-type"] == "bauplan"
    module, _, name = conn_type["hook-class-name"].rpartition(".")
    hook = getattr(importlib.import_module(module), name)
    assert hook.conn_type == "bauplan" and hook.default_conn_name == "bauplan_default"
    for classpath in info["extra-links"]:
        module, _, name = classpath.rpartition(".")
        assert getattr(importlib.import_module(module), name)().name == "Bauplan job"


def test_metadata_matches_airflows_schema() -> None:
    import jsonschema
    from airflow import providers_manager

    schema_path = Path(providers_manager.__file__).with_name("provider_info.schema.json")
    jsonschema.validate(get_provider_info(), json.loads(schema_path.read_text()))


def test_importing_provider_info_imports_nothing_heavy() -> None:
    code = (
        "import sys; from bauplan_provider.airflow.provider_info import get_provider_info; "
        "get_provider_info(); "
        "heavy = [m for m in ('airflow', 'bauplan', 'prefect', 'grpc') if m in sys.modules]; "
        "print(','.join(heavy))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


def test_package_import_is_lazy() -> None:
    code = "import sys, bauplan_provider.airflow; print('airflow' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr


def test_airflow_cli_lists_the_provider_and_its_connection_type() -> None:
    assert "bauplan-provider" in _airflow("providers", "list", "--output", "json")
    out = _airflow("providers", "hooks", "--output", "json")
    rows = json.loads(out[out.index("[") :])
    (row,) = [r for r in rows if r.get("connection_type") == "bauplan"]
    assert row["class"] == "bauplan_provider.airflow.hooks.BauplanHook"


def test_providers_manager_sees_links_triggers_and_ui_fields() -> None:
    from airflow.providers_manager import ProvidersManager

    manager = ProvidersManager()
    assert "bauplan_provider.airflow.links.BauplanJobLink" in manager.extra_links_class_names
    assert any(t.trigger_class_name == "bauplan_provider.airflow.triggers" for t in manager.trigger)
    behaviour = manager.field_behaviours["bauplan"]
    assert behaviour["relabeling"] == {"password": "API key"}
    assert "login" in behaviour["hidden_fields"]
    assert "extra__bauplan__job_url_template" in manager.connection_form_widgets
