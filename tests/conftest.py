"""Shared fixtures of the dashboard page tests: one demo warehouse per test session."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def demo_data(tmp_path_factory) -> Path:
    """A data directory holding the demo warehouse built from sample_data/; AFTERSALES_DATA points at it."""
    path = tmp_path_factory.mktemp("demo_data")
    subprocess.run(
        [sys.executable, "-m", "pipelines", "demo", "--data", str(path)], cwd=ROOT, check=True, capture_output=True
    )
    os.environ["AFTERSALES_DATA"] = str(path)
    return path
