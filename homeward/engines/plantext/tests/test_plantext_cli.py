"""The command line: JSON on success, one line on stderr and a non-zero exit on bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from homeward.engines.plantext import shipped_plan_text
from homeward.engines.plantext.cli import EXIT_PARSE_ERROR, EXIT_USAGE, main

DATA = Path(__file__).resolve().parents[1] / "data" / "action-plan-2021-2030.txt"


def test_parse_prints_measures_and_counts(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse", str(DATA)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["counts"]["measures"] == 29 and out["counts"]["sub_measures"] == 63
    assert len(out["measures"]) == 92
    first = out["measures"][0]
    assert first["code"] == "二.(一).2.(1)" and first["lead_agencies"] == ["中央政法委", "公安部"]
    assert out["agencies"]["公安部"]["leads"][0] == "二.(一).2.(1)"
    assert len(out["agency_group"]["members"]) == 34


def test_parse_twice_prints_the_same(capsys: pytest.CaptureFixture[str]) -> None:
    main(["parse", "--shipped"])
    once = capsys.readouterr().out
    main(["parse", str(DATA)])
    assert capsys.readouterr().out == once


def test_counts_only(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse", "--shipped", "--counts-only"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert list(out) == ["counts"] and out["counts"]["responsibility_lines"] == 90


def test_agencies_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["agencies"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert len(out) == 36
    assert {"name": "公安部", "short_name_en": "MPS", "agency_type": "ministry"}.items() <= out[11].items()


def _one_line_error(capsys: pytest.CaptureFixture[str]) -> str:
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err
    assert "Traceback" not in captured.err
    return lines[0]


def test_malformed_text_exits_with_line_number(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = shipped_plan_text().split("\n")
    del lines[26]  # the responsibility line 27 of 二.(一).2.(1)
    bad = tmp_path / "bad.txt"
    bad.write_text("\n".join(lines), encoding="utf-8")
    assert main(["parse", str(bad)]) == EXIT_PARSE_ERROR
    assert _one_line_error(capsys).startswith("plantext: parse error: line 26: measure 二.(一).2.(1)")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["parse", "/nonexistent/plan.txt"], "no such file"),
        (["parse"], "missing FILE"),
        (["parse", "x.txt", "--shipped"], "not both"),
        (["frobnicate"], "invalid choice"),
        ([], "required"),
    ],
)
def test_usage_errors_are_one_line(
    args: list[str], expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as info:
        sys.exit(main(args))
    assert info.value.code == EXIT_USAGE
    assert expected in _one_line_error(capsys)


def test_unreadable_inputs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse", str(tmp_path)]) == EXIT_USAGE
    assert "is a directory" in _one_line_error(capsys)
    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes(shipped_plan_text().encode("gbk"))
    assert main(["parse", str(gbk)]) == EXIT_USAGE
    assert "not UTF-8" in _one_line_error(capsys)


def test_python_dash_m_runs_without_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text("一、总则\n（一）说明。\n2．行动措施。\n", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "homeward.engines.plantext", "parse", str(bad)],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).resolve().parents[4],
    )
    assert proc.returncode == EXIT_PARSE_ERROR
    assert proc.stdout == ""
    assert proc.stderr.strip().splitlines() == [
        "plantext: parse error: line 3: numbered heading numbered 2, expected 1: '2．行动措施。'"
    ]
