"""Block metadata and registration: the UI shows what users need; both ways of registering work."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from prefect.client.orchestration import get_client

from bauplan_provider.prefect import BauplanCredentials, BauplanImport, BauplanRun

BLOCKS = (BauplanCredentials, BauplanRun, BauplanImport)
SLUGS = {"bauplan-credentials", "bauplan-run", "bauplan-import"}


@pytest.mark.parametrize("block", BLOCKS, ids=lambda b: b.__name__)
def test_blocks_carry_what_the_ui_shows(block: type) -> None:
    assert block.get_block_type_name().startswith("Bauplan ")
    assert block.get_block_type_slug() in SLUGS
    assert block.get_description()
    assert str(block._documentation_url).startswith("https://")
    example = block.get_code_example()
    assert example is not None and ".load(" in example
    for name, field in block.model_fields.items():
        assert field.description, f"{block.__name__}.{name} has no description"


def test_api_key_is_a_secret_field() -> None:
    schema = BauplanCredentials.model_json_schema()
    variants = schema["properties"]["api_key"]["anyOf"]
    assert {"format": "password", "type": "string", "writeOnly": True} in variants
    assert "api_key" in BauplanCredentials._to_block_schema().fields["secret_fields"]
    assert str(BauplanCredentials(api_key="k-123")).find("k-123") == -1


def test_the_collections_entry_point_loads_the_package() -> None:
    from prefect.plugins import load_prefect_collections

    loaded = load_prefect_collections()
    assert "bauplan_provider" in loaded
    assert loaded["bauplan_provider"].__name__ == "bauplan_provider.prefect"


def test_prefect_block_register_registers_all_three(prefect_env: dict[str, str]) -> None:
    prefect = Path(sys.executable).with_name("prefect")
    result = subprocess.run(
        [str(prefect), "block", "register", "-m", "bauplan_provider.prefect"],
        env=prefect_env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    with get_client(sync_client=True) as client:
        for slug in SLUGS:
            block_type = client.read_block_type_by_slug(slug)
            assert block_type.code_example and ".load(" in block_type.code_example
            assert block_type.documentation_url
