"""The ``lr`` command line: JSON in, JSON out, one-line errors naming case and locus."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from homeward.engines.kinship.cli import main

FREQS = {"D1": {"10": 0.2, "11": 0.3, "12": 0.5}, "D2": {"9": 0.25, "9.3": 0.25, "10": 0.5}}


def run(tmp_path: Path, doc: object, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    path = tmp_path / "cases.json"
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc), encoding="utf-8")
    code = main(["lr", str(path)])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cases_defaults_and_overrides(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = {
        "frequencies": FREQS,
        "defaults": {"mutation": {"model": "equal", "rate": 0.001}, "min_freq": 0.01},
        "cases": [
            {
                "id": "c1",
                "type": "duo",
                "mutation": {"model": "none"},
                "genotypes": {
                    "parent": {"D1": "10/11", "D2": "9.3"},
                    "child": {"D1": "10/12", "D2": "9.3/10"},
                },
            },
            {
                "id": "c2",
                "type": "trio",
                "theta": 0.01,
                "genotypes": {"father": {"D1": "10/11"}, "mother": {"D1": "12/12"}, "child": {"D1": "11/12"}},
            },
            {
                "id": "c3",
                "type": "half_sib",
                "shared_parent": "mother",
                "locus_mutation": {"D1": {"rate": 0.01}},
                "genotypes": {"child": {"D1": "10/13"}, "relative": {"D1": "13/13"}},
            },
        ],
    }
    code, out, err = run(tmp_path, doc, capsys)
    assert code == 0, err
    results = json.loads(out)["results"]
    assert [r["id"] for r in results] == ["c1", "c2", "c3"]
    c1 = results[0]
    assert set(c1) == {"id", "per_locus", "lr", "log10_lr", "n_loci", "n_inconsistent", "conclusion"}
    assert c1["per_locus"]["D1"] == pytest.approx(1 / (4 * 0.2))
    assert c1["per_locus"]["D2"] == pytest.approx(1 / (2 * 0.25))
    assert c1["n_loci"] == 2 and c1["n_inconsistent"] == 0
    assert results[1]["n_loci"] == 1
    assert results[2]["per_locus"]["D1"] > 1  # shares the unseen allele 13 (min_freq 0.01)


def test_exclusion_has_null_log10(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = {
        "frequencies": FREQS,
        "cases": [
            {"id": "x", "type": "duo", "genotypes": {"parent": {"D1": "10/10"}, "child": {"D1": "11/12"}}}
        ],
    }
    code, out, _ = run(tmp_path, doc, capsys)
    res = json.loads(out)["results"][0]
    assert code == 0 and res["lr"] == 0 and res["log10_lr"] is None
    assert res["n_inconsistent"] == 1 and res["conclusion"] == "exclusion"


@pytest.mark.parametrize(
    ("case", "freqs", "message"),
    [
        (
            {"id": "k1", "type": "duo", "genotypes": {"uncle": {"D1": "10/11"}, "child": {"D1": "10/11"}}},
            FREQS,
            "case k1: unknown role(s) uncle",
        ),
        (
            {"id": "k2", "type": "duo", "genotypes": {"parent": {"D1": "10/14"}, "child": {"D1": "10/11"}}},
            FREQS,
            "case k2: locus D1: allele 14 is not in frequency table",
        ),
        (
            {"id": "k3", "type": "duo", "genotypes": {"parent": {"D2": "9/10/9.3"}, "child": {"D2": "9/10"}}},
            FREQS,
            "case k3: role parent, locus D2: 3 alleles",
        ),
        ({"id": "k4", "type": "siblings", "genotypes": {}}, FREQS, "case k4: unknown type"),
        (
            {
                "id": "k5",
                "type": "duo",
                "theta": "high",
                "genotypes": {"parent": {"D1": "10/11"}, "child": {"D1": "10"}},
            },
            FREQS,
            "case k5: theta must be a number",
        ),
        (
            {"id": "k6", "type": "duo", "genotypes": {"parent": {"D1": "10/11"}, "child": {"D1": "10"}}},
            {"D1": {"10": "lots", "11": 0.5}},
            "frequencies: locus D1 allele 10: frequency 'lots' is not a number",
        ),
        (
            {
                "id": "k7",
                "type": "duo",
                "mutation": {"model": "onestep", "rate": 0.01},
                "genotypes": {"parent": {"D2": "9/10"}, "child": {"D2": "9/10"}},
            },
            FREQS,
            "case k7: locus D2: the onestep model requires all alleles to be integers",
        ),
    ],
)
def test_bad_input_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], case: dict, freqs: dict, message: str
) -> None:
    code, out, err = run(tmp_path, {"frequencies": freqs, "cases": [case]}, capsys)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and message in err and "Traceback" not in err


def test_invalid_json_names_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(tmp_path, '{"frequencies": {},\n "cases": [}', capsys)
    assert code == 2 and "invalid JSON at line 2" in err


def test_module_entry_point(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    path.write_text(
        json.dumps(
            {
                "frequencies": "nist1036-asian",
                "cases": [
                    {
                        "id": "n",
                        "type": "duo",
                        "genotypes": {"parent": {"TH01": "9/9.3"}, "child": {"TH01": "9/6"}},
                    }
                ],
            }
        )
    )
    ok = subprocess.run(
        [sys.executable, "-m", "homeward.engines.kinship", "lr", str(path)],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).parents[4],
    )
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["results"][0]["n_loci"] == 1
    bad = subprocess.run(
        [sys.executable, "-m", "homeward.engines.kinship", "lr", str(tmp_path / "none.json")],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).parents[4],
    )
    assert bad.returncode == 2 and bad.stderr.startswith("error: ") and "Traceback" not in bad.stderr


def test_locus_mutation_from_defaults_and_case_are_merged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from homeward.engines.kinship import FrequencyTable, MutationSpec, compute_lr

    geno = {"parent": {"D1": "10/10", "D2": "9/9"}, "child": {"D1": "11/12", "D2": "10/10"}}
    doc = {
        "frequencies": FREQS,
        "defaults": {"mutation": {"model": "equal", "rate": 0.001}, "locus_mutation": {"D1": {"rate": 0.01}}},
        "cases": [
            {"id": "m", "type": "duo", "locus_mutation": {"D2": {"rate_female": 0.02}}, "genotypes": geno}
        ],
    }
    code, out, err = run(tmp_path, doc, capsys)
    assert code == 0, err
    got = json.loads(out)["results"][0]
    table = FrequencyTable.from_mapping(FREQS)
    ref = compute_lr(
        "duo",
        geno,
        table,
        MutationSpec(model="equal", rate=0.001),
        locus_mutation={"D1": {"rate": 0.01}, "D2": {"rate_female": 0.02}},
    )
    assert got["per_locus"] == pytest.approx(ref.per_locus)
    assert got["n_inconsistent"] == 2
