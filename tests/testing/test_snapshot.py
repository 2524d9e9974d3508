"""Reading project identity and models from an uploaded zip."""

from __future__ import annotations

import io
import zipfile

from bauplan_provider.testing._snapshot import inspect_snapshot


def _zip(files: dict[str, str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buf.getvalue()


def test_project_and_models() -> None:
    data = _zip(
        {
            "bauplan_project.yaml": "project:\n  id: abc\n  name: etl\n",
            "pkg/models.py": (
                "import bauplan\nfrom bauplan import model\n\n"
                "@bauplan.model()\ndef one(): ...\n\n"
                "@model\ndef two(): ...\n\n"
                "@bauplan.python('3.11')\ndef not_a_model(): ...\n"
            ),
            "report.sql": "select 1",
        }
    )
    info = inspect_snapshot(data)
    assert (info.project_id, info.project_name) == ("abc", "etl")
    assert info.models == ("one", "two", "report")


def test_garbage_is_tolerated() -> None:
    assert inspect_snapshot(b"not a zip").models == ()
    info = inspect_snapshot(_zip({"bauplan_project.yml": ":\n- [", "bad.py": "def ("}))
    assert info.project_name is None
    assert info.models == ()
