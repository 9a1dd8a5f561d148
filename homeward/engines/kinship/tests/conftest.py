"""Shared fixtures: small hand-made tables and the bundled NIST table."""

from __future__ import annotations

import pytest

from homeward.engines.kinship import FrequencyTable


@pytest.fixture(scope="session")
def nist() -> FrequencyTable:
    return FrequencyTable.bundled("nist1036-asian")


@pytest.fixture
def abc() -> FrequencyTable:
    """Familias exercise IV-1 marker: pa = 0.01, pb = 0.3, pc = 0.69, plus a 4-allele STR locus."""
    return FrequencyTable.from_mapping(
        {
            "M1": {"a": 0.01, "b": 0.3, "c": 0.69},
            "S1": {"9": 0.1, "9.3": 0.2, "10": 0.3, "11": 0.4},
        }
    )
