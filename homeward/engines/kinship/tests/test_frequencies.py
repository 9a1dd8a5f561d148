"""Frequency-table loading, validation, min-frequency rule and renormalisation."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from homeward.engines.kinship import FrequencyError, FrequencyTable, MinFrequencyRule
from homeward.engines.kinship.frequencies import normalise_allele


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "t.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_bundled_tables_load_and_sum_to_one(nist: FrequencyTable) -> None:
    assert len(nist.loci) == 29
    for locus, table in nist.loci.items():
        assert abs(sum(table.values()) - 1) < 1e-5, locus
    # README: counts are recoverable as round(freq * 194); TPOX 8 = 0.546
    assert round(nist.loci["TPOX"]["8"] * 194) == 106
    uk = FrequencyTable.bundled("uk-dna17-chinese")
    assert len(uk.loci) == 16 and uk.sample_size == 203


def test_csv_errors_name_the_line(tmp_path: Path) -> None:
    with pytest.raises(
        FrequencyError, match=r"line 3 \(locus TH01 allele 10\): frequency 'x' is not a number"
    ):
        FrequencyTable.from_csv(write(tmp_path, "locus,allele,freq\nTH01,9,0.5\nTH01,10,x\n"))
    with pytest.raises(FrequencyError, match=r"line 3: duplicate allele 9\.0 at locus TH01"):
        FrequencyTable.from_csv(write(tmp_path, "locus,allele,freq\nTH01,9,0.5\nTH01,9.0,0.5\n"))
    with pytest.raises(FrequencyError, match=r"line 2.*negative"):
        FrequencyTable.from_csv(write(tmp_path, "locus,allele,freq\nTH01,9,-0.1\n"))
    with pytest.raises(FrequencyError, match="header"):
        FrequencyTable.from_csv(write(tmp_path, "a,b,c\nTH01,9,0.1\n"))
    with pytest.raises(FrequencyError, match="line 2: expected 3 fields"):
        FrequencyTable.from_csv(write(tmp_path, "locus,allele,freq\nTH01,9\n"))


def test_mapping_validation() -> None:
    with pytest.raises(FrequencyError, match="locus TH01 allele 9: frequency 'abc' is not a number"):
        FrequencyTable.from_mapping({"TH01": {"9": "abc"}})
    with pytest.raises(FrequencyError, match="greater than 1"):
        FrequencyTable.from_mapping({"TH01": {"9": 1.5}})
    with pytest.raises(FrequencyError, match="listed twice"):
        FrequencyTable.from_mapping({"TH01": {"9": 0.5, "9.0": 0.5}})


def test_min_frequency_rule_and_renormalisation() -> None:
    table = FrequencyTable.from_mapping({"L": {"10": 0.5, "11": 0.4997}}, sample_size=50)
    rule = MinFrequencyRule.parse("5/2N", sample_size=50)
    assert rule is not None and rule.frequency() == pytest.approx(0.05)
    prep = table.prepare("L", ["12", "10"], rule)
    assert prep.alleles == ("10", "11", "12")
    assert prep.added == ("12",)
    total = 0.5 + 0.4997 + 0.05
    np.testing.assert_allclose(prep.freqs, [0.5 / total, 0.4997 / total, 0.05 / total])
    # A table whose sum is off (0.9997) is renormalised even without added alleles.
    np.testing.assert_allclose(table.prepare("L").freqs.sum(), 1.0)
    with pytest.raises(FrequencyError, match="allele 12 is not in frequency table"):
        table.prepare("L", ["12"], None)
    with pytest.raises(FrequencyError, match="locus Q is not in frequency table"):
        table.prepare("Q")
    assert MinFrequencyRule.parse(0.001) == MinFrequencyRule(value=0.001)
    with pytest.raises(FrequencyError):
        MinFrequencyRule.parse("5/2N")  # no N
    with pytest.raises(FrequencyError):
        MinFrequencyRule.parse(2.0)


def test_allele_normalisation() -> None:
    assert normalise_allele("9.30") == "9.3"
    assert normalise_allele(" 10.0 ") == "10"
    assert normalise_allele(22.2) == "22.2"
    assert normalise_allele("OL") == "OL"
