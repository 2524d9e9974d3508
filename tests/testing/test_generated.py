"""The checked-in generated modules must match the ``.proto`` (regenerate and compare bytes)."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
GENERATED = REPO / "bauplan_provider" / "testing" / "_generated"


def _load_generator() -> object:
    spec = importlib.util.spec_from_file_location("gen_proto", REPO / "scripts" / "gen_proto.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generated_modules_are_up_to_date(tmp_path: Path) -> None:
    pytest.importorskip("grpc_tools", reason="grpcio-tools (dev extra) regenerates the modules")
    gen = _load_generator()

    gen.generate(tmp_path)  # type: ignore[attr-defined]

    names = gen.GENERATED_FILES  # type: ignore[attr-defined]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(names)
    stale = [n for n in names if (tmp_path / n).read_bytes() != (GENERATED / n).read_bytes()]
    assert stale == [], f"out of date, run: {sys.executable} scripts/gen_proto.py"


def test_generated_grpc_module_imports_its_sibling_relatively() -> None:
    text = (GENERATED / "bauplan_emulator_pb2_grpc.py").read_text()
    assert "from . import bauplan_emulator_pb2 as" in text
    assert not re.search(r"^import bauplan_emulator_pb2", text, flags=re.MULTILINE)


def test_testing_extra_protobuf_bound_matches_generated_code() -> None:
    text = (GENERATED / "bauplan_emulator_pb2.py").read_text()
    found = re.search(r"# Protobuf Python Version: (\d+)\.(\d+)\.(\d+)", text)
    assert found is not None
    pyproject = (REPO / "pyproject.toml").read_text()
    assert f'"protobuf>={".".join(found.groups())},<{int(found.group(1)) + 1}"' in pyproject
    grpc_version = re.search(
        r"GRPC_GENERATED_VERSION = '([\d.]+)'",
        (GENERATED / "bauplan_emulator_pb2_grpc.py").read_text(),
    )
    assert grpc_version is not None
    assert f'"grpcio>={grpc_version.group(1)}"' in pyproject


def test_service_name_and_package_are_what_the_sdk_calls() -> None:
    from bauplan_provider.testing._generated import bauplan_emulator_pb2 as pb

    service = pb.DESCRIPTOR.services_by_name["V2CommanderService"]
    assert service.full_name == "bpln_proto.commander.service.v2.V2CommanderService"
