"""Shared warehouses for the KPI tests: the crafted landing (tests/sql/landing_rows.py) built once
per session as of AS_OF and once as of PAST_AS_OF (each dbt build costs seconds)."""

from __future__ import annotations

import dataclasses
from datetime import datetime

import pytest

from pipelines.build import build
from pipelines.settings import load_settings
from tests.helpers import write_batch
from tests.sql.landing_rows import AS_OF, PAST_AS_OF, crafted_rows


def crafted_settings():
    """Default settings, but a key customer's survey response weighs 2 (to see tier weighting)."""
    settings = load_settings()
    return dataclasses.replace(settings, tier_weights={"key": 2.0, "general": 1.0})


def _built(tmp_path_factory, name: str, as_of: str):
    data = tmp_path_factory.mktemp(name)
    settings = crafted_settings()
    write_batch(data, crafted_rows(), settings=settings)
    result = build(data, settings, as_of=datetime.fromisoformat(as_of))
    return data, result


@pytest.fixture(scope="session")
def crafted(tmp_path_factory):
    """(data dir, build result) of the crafted landing built as of AS_OF."""
    return _built(tmp_path_factory, "crafted", AS_OF)


@pytest.fixture(scope="session")
def crafted_past(tmp_path_factory):
    """(data dir, build result) of the same landing built as of PAST_AS_OF."""
    return _built(tmp_path_factory, "crafted-past", PAST_AS_OF)
