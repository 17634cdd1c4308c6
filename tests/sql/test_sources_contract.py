"""The dbt sources declare the landing columns of pipelines.contract and pipelines.landing."""

from __future__ import annotations

from pathlib import Path

import yaml

from pipelines import contract, landing
from pipelines.settings import load_settings

SOURCES_YML = Path(__file__).resolve().parents[2] / "sql" / "models" / "staging" / "_sources.yml"


def _tables() -> dict[str, list[tuple[str, str]]]:
    doc = yaml.safe_load(SOURCES_YML.read_text(encoding="utf-8"))
    landing_src = next(s for s in doc["sources"] if s["name"] == "landing")
    return {t["name"]: [(c["name"], c["data_type"]) for c in t["columns"]] for t in landing_src["tables"]}


def test_landing_sources_declare_the_contract_columns_in_order():
    tables = _tables()
    settings = load_settings()
    for source in contract.SOURCES:
        expected = [(name, typ.lower()) for name, typ in contract.landing_schema(source, settings)]
        assert tables[source] == expected, source


def test_load_files_and_rejects_sources_declare_the_landing_schemas():
    tables = _tables()
    files = [(n, t.lower()) for n, t in landing.FILES_SCHEMA]
    assert tables["load_files"] == files
    assert tables["load_log"] == files
    assert tables["rejected_rows"] == [(n, t.lower()) for n, t in landing.REJECTS_SCHEMA]


def test_sources_are_read_only_in_staging():
    models = Path(__file__).resolve().parents[2] / "sql" / "models"
    offenders = [
        p.relative_to(models).as_posix()
        for p in models.rglob("*.sql")
        if "source(" in p.read_text(encoding="utf-8") and p.parent.name != "staging"
    ]
    assert offenders == []
