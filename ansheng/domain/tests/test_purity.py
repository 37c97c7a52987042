"""The library is pure: standard library only, no Django, tables as package data."""

from __future__ import annotations

import ast
import json
import sys
from importlib import resources
from pathlib import Path

import ansheng.domain

PACKAGE = Path(ansheng.domain.__file__).parent


def test_modules_import_only_the_standard_library_and_the_package() -> None:
    for path in sorted(PACKAGE.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                top = name.split(".")[0]
                assert top in sys.stdlib_module_names or name.startswith("ansheng.domain"), f"{path.name}: {name}"
                assert top != "django"


def test_every_data_file_is_json_and_cites_its_source() -> None:
    files = sorted(
        p.name for p in resources.files("ansheng.domain").joinpath("data").iterdir() if p.name.endswith(".json")
    )
    # Every table is JSON (no other formats creep in) and names the standard it comes from.
    others = [
        p.name for p in resources.files("ansheng.domain").joinpath("data").iterdir() if not p.name.endswith(".json")
    ]
    assert others == []
    assert {"gb18218.json", "accidents.json", "fines.json", "risk_bands.json", "credit_code.json"} <= set(files)
    for name in files:
        data = json.loads(resources.files("ansheng.domain").joinpath("data", name).read_text(encoding="utf-8"))
        assert data["source"], name
