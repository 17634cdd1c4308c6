"""The dbt unit tests of sql/ (model logic on fixed input rows, in the models' YAML files). The
build leaves them out to stay fast; here they run against a copy of the crafted warehouse, whose
relations give the fixtures their column types. A failing unit test fails this test."""

from __future__ import annotations

from pathlib import Path

import yaml

from pipelines.build import run_unit_tests
from tests.sql.conftest import crafted_settings

MODELS = Path(__file__).resolve().parents[2] / "sql" / "models"


def _declared_unit_tests() -> set[str]:
    names = set()
    for path in MODELS.rglob("*.yml"):
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        names |= {t["name"] for t in doc.get("unit_tests") or []}
    return names


def test_every_dbt_unit_test_passes(crafted, tmp_path):
    data, _ = crafted
    passed = run_unit_tests(data, crafted_settings(), tmp_path)
    declared = _declared_unit_tests()
    assert declared, "no dbt unit tests found"
    assert sorted(passed) == sorted(declared)
