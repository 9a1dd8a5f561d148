"""The command line: output format, retired division codes, bad input without tracebacks."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from homeward.engines.linkage.cli import main

REPORTS = [
    {"id": "m1", "sex": "M", "birth_date": "1990-03-01", "missing_date": "1995-05-01", "missing_division": "500228",
     "name": "陈明明", "nicknames": ["小明"], "father_name": "陈建国"},
    {"id": "m2", "sex": "M", "birth_year": 1991, "missing_date": "1996-01-01", "missing_division": "440106",
     "name": "黄志强"},
    {"id": "m3", "sex": "F", "birth_year": 1990, "name": "李娟"},
]  # fmt: skip
FOUND = [
    {"id": "f1", "sex": "M", "age_min": 29, "age_max": 33, "found_date": "2021-06-01", "name": "王铭铭",
     "remembered_names": ["小明"], "remembered_places": ["梁平"], "remembered_parents": ["爸爸叫陈建国"]},
    {"id": "f2", "sex": "F", "age_min": 5, "age_max": 7, "found_date": "2021-06-01"},
]  # fmt: skip


def _write(path: Path, rows: Sequence[object], extra: list[str] | None = None) -> Path:
    lines = [json.dumps(r, ensure_ascii=False) for r in rows] + (extra or [])
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), out, err)
    return code, out.getvalue(), err.getvalue()


def test_match_prints_one_line_per_found_person(tmp_path: Path) -> None:
    m = _write(tmp_path / "m.jsonl", REPORTS)
    f = _write(tmp_path / "f.jsonl", FOUND)
    code, out, err = _run("match", "--missing", str(m), "--found", str(f), "--top", "10")
    assert code == 0 and err == ""
    lines = [json.loads(x) for x in out.splitlines()]
    assert [x["found_id"] for x in lines] == ["f1", "f2"]
    best = lines[0]["candidates"][0]
    assert best["missing_id"] == "m1" and 0 < best["score"] <= 1
    # the retired code 500228 (梁平县) was mapped to today's 梁平区 and agrees with "梁平"
    assert best["reasons"]["place"]["level"] == "same_county"
    assert best["reasons"]["nickname"]["level"] == "exact"
    assert [c["missing_id"] for c in lines[0]["candidates"]] == ["m1", "m2"]  # m3: wrong sex
    assert lines[1]["candidates"] == []  # f2: nobody of that sex and age


def test_exclusions_file(tmp_path: Path) -> None:
    m = _write(tmp_path / "m.jsonl", REPORTS)
    f = _write(tmp_path / "f.jsonl", FOUND[:1])
    ex = _write(tmp_path / "ex.jsonl", [{"missing_id": "m1", "found_id": "f1"}])
    code, out, _ = _run("match", "--missing", str(m), "--found", str(f), "--exclude", str(ex))
    assert code == 0
    assert [c["missing_id"] for c in json.loads(out)["candidates"]] == ["m2"]


def test_bad_line_rejected_by_default(tmp_path: Path) -> None:
    m = _write(tmp_path / "m.jsonl", [REPORTS[0], {"id": "m9", "sex": "X"}, *REPORTS[1:]])
    f = _write(tmp_path / "f.jsonl", FOUND)
    code, out, err = _run("match", "--missing", str(m), "--found", str(f))
    assert code == 2 and out == ""
    assert err.strip() == f"error: {m} line 2: field sex: expected M or F, got 'X'"


def test_bad_lines_skipped_on_request(tmp_path: Path) -> None:
    m = _write(tmp_path / "m.jsonl", REPORTS, ["{not json", '{"id": "m7", "missing_division": "999999"}'])
    f = _write(tmp_path / "f.jsonl", [*FOUND, {"id": "f3", "age_min": 9, "age_max": 3}, FOUND[0]])
    code, out, err = _run("match", "--missing", str(m), "--found", str(f), "--on-bad-line", "skip")
    assert code == 0
    msgs = err.strip().splitlines()
    assert len(msgs) == 4
    assert msgs[0].startswith(f"skipped: {m} line 4: field (line): not valid JSON")
    assert msgs[1] == f"skipped: {m} line 5: field missing_division: division code 999999 did not exist"
    assert msgs[2] == f"skipped: {f} line 3: field age_max: age_max 3 is below age_min 9"
    assert msgs[3] == f"skipped: {f} line 4: field id: duplicate id 'f1'"
    assert [json.loads(x)["found_id"] for x in out.splitlines()] == ["f1", "f2"]


def test_missing_file_and_bad_arguments(tmp_path: Path) -> None:
    f = _write(tmp_path / "f.jsonl", FOUND)
    code, _, err = _run("match", "--missing", str(tmp_path / "nope.jsonl"), "--found", str(f))
    assert code == 2 and "cannot open" in err and len(err.strip().splitlines()) == 1
    code, _, err = _run("match", "--missing", str(f), "--found", str(f), "--top", "0")
    assert code == 2 and err.strip() == "error: --top must be at least 1"
    code, _, err = _run("match", "--missing", str(f), "--found", str(f), "--workers", "-1")
    assert code == 2 and err.strip() == "error: --workers must be 0 (one per core) or more"
    code, _, _ = _run("match", "--missing", str(f), "--found", str(f), "--workers", "two")
    assert code == 2  # argparse's own one-line usage error


def test_worker_processes_print_the_same_lines(tmp_path: Path) -> None:
    m = _write(tmp_path / "m.jsonl", REPORTS)
    f = _write(tmp_path / "f.jsonl", [dict(x, id=f"{x['id']}-{i}") for i in range(8) for x in FOUND])
    code1, one, _ = _run("match", "--missing", str(m), "--found", str(f))
    code2, two, _ = _run("match", "--missing", str(m), "--found", str(f), "--workers", "2")
    assert code1 == code2 == 0 and one == two and len(two.splitlines()) == 16


def test_module_entry_point_never_prints_a_traceback(tmp_path: Path) -> None:
    m = _write(tmp_path / "m.jsonl", [{"id": "m1", "birth_date": "1990-13-45"}])
    proc = subprocess.run(
        [sys.executable, "-m", "homeward.engines.linkage", "match", "--missing", str(m), "--found", str(m)],
        capture_output=True, text=True, cwd=Path(__file__).resolve().parents[4], check=False,
    )  # fmt: skip
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert (
        proc.stderr.strip()
        == f"error: {m} line 1: field birth_date: not an ISO date (YYYY-MM-DD): '1990-13-45'"
    )
