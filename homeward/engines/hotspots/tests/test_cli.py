"""Command line: good runs print results; bad input exits 2 with one line naming the place."""

from __future__ import annotations

import contextlib
import io
import subprocess
import sys
from pathlib import Path

import pytest

from homeward.engines.hotspots.__main__ import main

ROOT = Path(__file__).resolve().parents[4]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    """In-process run of the entry point (a subprocess per case would mostly time imports)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return subprocess.CompletedProcess(list(args), code, out.getvalue(), err.getvalue())


def test_real_process_bad_input(tmp_path: Path) -> None:
    f = tmp_path / "bad.csv"
    f.write_text("region,a\nx,-3\n", encoding="utf-8")
    out = subprocess.run(
        [sys.executable, "-m", "homeward.engines.hotspots", "suppress", str(f)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 2
    assert out.stderr.strip().splitlines() == [f"error: {f} line 2 field a: must not be negative, got -3"]


def test_suppress_csv(tmp_path: Path) -> None:
    f = tmp_path / "t.csv"
    f.write_text("region,a,b\nx,3,10\ny,20,30\n", encoding="utf-8")
    out = run("suppress", str(f))
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[1] == "x,*,*,13"


def test_warn_series(tmp_path: Path) -> None:
    f = tmp_path / "s.csv"
    f.write_text("count\n" + "3\n" * 312 + "12\n", encoding="utf-8")
    out = run("warn", str(f))
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("warning=yes observed=12 expected=3.000 threshold=8")


@pytest.mark.parametrize(
    ("command", "content", "needle"),
    [
        ("suppress", "region,a,b\nx,3,ten\n", "line 2 field b"),
        ("warn", "count\n1\n2\n-4\n", "line 4"),
        ("flows", "origin_code,destination_code\n510121\n", "line 2"),
        ("hotspots", "code,count\n110101,abc\n", "line 2 field count"),
    ],
)
def test_bad_input_is_one_line(tmp_path: Path, command: str, content: str, needle: str) -> None:
    f = tmp_path / "bad.csv"
    f.write_text(content, encoding="utf-8")
    out = run(command, str(f))
    assert out.returncode == 2
    assert len(out.stderr.strip().splitlines()) == 1 and needle in out.stderr
    assert "Traceback" not in out.stderr


def test_missing_file() -> None:
    out = run("warn", "/nonexistent/x.csv")
    assert out.returncode == 2 and "cannot read" in out.stderr
