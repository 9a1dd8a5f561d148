"""The scan command line: output format, bad lines with their line numbers, no tracebacks."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from homeward.engines.textscreen.__main__ import main
from homeward.engines.textscreen.scan import BadLine, parse_line

REPO = Path(__file__).resolve().parents[4]


class _Stdin:
    def __init__(self, data: str | bytes) -> None:
        self.buffer = io.BytesIO(data.encode() if isinstance(data, str) else data)


def run_main(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], data: str | bytes, *args: str
):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(sys, "stdin", _Stdin(data))
    code = main(["scan", *args])
    out, err = capsys.readouterr()
    return code, [json.loads(x) for x in out.splitlines()], err


GOOD = "\n".join(
    json.dumps(x, ensure_ascii=False)
    for x in [
        {"id": 1, "text": "出售男宝，营养费5万，V❤：abc123，广州天河区，诚信第一"},
        {"id": 2, "text": "出售男宝，营养费6万，微信 xyz999，广州天河区，诚信第一", "platform": "weibo"},
        {
            "id": "x3",
            "text": "布偶猫免费送养，电话13812345678",
            "posted_at": "2025-01-01T10:00:00",
            "author": None,
        },
    ]
)


def test_scan_output_format(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    code, rows, err = run_main(monkeypatch, capsys, GOOD + "\n\n")
    assert code == 0 and err == ""
    assert [r["id"] for r in rows] == [1, 2, "x3"]
    for r in rows:
        assert set(r) == {"id", "risk", "categories", "reasons", "entities", "cluster"}
        assert set(r["entities"]) == {"phones", "wechat", "qq", "id_numbers", "bank_cards", "places"}
    assert rows[0]["categories"] == ["illegal_adoption"] and rows[0]["risk"] > 0.9
    assert rows[2]["categories"] == [] and rows[2]["risk"] < 0.5
    assert rows[0]["entities"]["wechat"][0]["value"] == "abc123"
    assert rows[0]["entities"]["wechat"][0]["span"] == [14, 20]
    assert rows[2]["entities"]["phones"][0]["value"] == "+8613812345678"
    assert rows[0]["cluster"] == rows[1]["cluster"] == 1
    assert rows[2]["cluster"] == "x3"


def test_bad_lines_are_reported_with_line_numbers(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data = "\n".join(
        ['{"id": 1, "text": "ok"}', "not json", '{"text": "no id"}', "[1, 2]", '{"id": 1, "text": "again"}',
         '{"id": 5, "text": 7}', '{"id": true, "text": "bool id"}', '{"id": 8, "text": "x", "platform": 3}']
    )  # fmt: skip
    code, rows, err = run_main(monkeypatch, capsys, data)
    assert code == 1 and rows == []
    lines = err.strip().splitlines()
    assert lines == [
        "textscreen: line 2: not valid JSON (Expecting value at column 1)",
        "textscreen: line 3: missing field 'id'",
        "textscreen: line 4: expected a JSON object, got list",
        "textscreen: line 5: duplicate id 1",
        "textscreen: line 6: field 'text' must be a string",
        "textscreen: line 7: field 'id' must be a non-empty string or an integer",
        "textscreen: line 8: field 'platform' must be a string or null",
    ]


def test_skip_bad_scans_the_good_lines(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, rows, err = run_main(monkeypatch, capsys, '{"id": 1, "text": "ok"}\n{oops\n', "--skip-bad")
    assert code == 0 and [r["id"] for r in rows] == [1]
    assert "line 2: not valid JSON" in err


def test_non_utf8_line(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    code, _rows, err = run_main(monkeypatch, capsys, b'{"id": 1, "text": "ok"}\n\xff\xfe\n')
    assert code == 1 and err.strip() == "textscreen: line 2: not UTF-8 text"


def test_many_bad_lines_are_capped(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _rows, err = run_main(monkeypatch, capsys, "x\n" * 25)
    lines = err.strip().splitlines()
    assert code == 1 and len(lines) == 21 and lines[-1] == "textscreen: ... and 5 more bad lines"


def test_bad_model_file(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = tmp_path / "m.json"
    bad.write_text("{}", encoding="utf-8")
    code, _rows, err = run_main(monkeypatch, capsys, GOOD, "--model", str(bad))
    assert (
        code == 1
        and err.startswith("textscreen: cannot load model")
        and err[-1] == "\n"
        and err.count("\n") == 1
    )


def test_parse_line_blank_and_errors() -> None:
    assert parse_line("   \n", 3) is None
    with pytest.raises(BadLine, match="line 9: missing field 'text'"):
        parse_line('{"id": "a"}', 9)


def test_subprocess_bad_input_no_traceback() -> None:
    # The good path runs in-process above; a real process checks exit status and stderr bytes.
    cmd = [sys.executable, "-m", "homeward.engines.textscreen", "scan"]
    bad = subprocess.run(cmd, input=b'{"id": 1}\n', capture_output=True, cwd=REPO, timeout=120, check=False)
    assert bad.returncode == 1
    assert bad.stderr.decode() == "textscreen: line 1: missing field 'text'\n"


def test_usage_error_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["nope"])
    err = capsys.readouterr().err
    assert exc.value.code == 2 and len(err.strip().splitlines()) == 1 and err.startswith("textscreen: ")
