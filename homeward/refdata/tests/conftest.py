"""Shared fixtures: the loaded index and the raw CSV rows, read independently of the loader."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from homeward.refdata.divisions import DivisionIndex, load_divisions

DATA = Path(__file__).resolve().parent.parent / "data"


def read_rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="session")
def idx() -> DivisionIndex:
    return load_divisions()


@pytest.fixture(scope="session")
def code_rows() -> list[dict[str, str]]:
    return read_rows("codes.csv")


@pytest.fixture(scope="session")
def current_rows(code_rows: list[dict[str, str]]) -> dict[str, dict[str, str]]:
    return {r["code"]: r for r in code_rows if not r["valid_to"]}
