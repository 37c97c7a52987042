"""`ansheng calc NAME` end to end, as another tool calls it: a subprocess, JSON on stdin, JSON on stdout or stderr.

Figures are from the standards (see docs/rules.md): GB 18218-2018 Table 1 row 12 氯 Q = 5 t, Table 3 β(氯) = 4,
Table 5 α = 1.2 for 30–49 residents; LEC D = L × E × C with the platform's default bands (70 ≤ D < 160 一般).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]  # the worktree, so that this copy of ansheng is the one imported


def calc(*args: str, stdin: bytes | str = b"", env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    environment = {k: v for k, v in os.environ.items() if k not in {"LANG", "LC_ALL", "LC_MESSAGES", "LANGUAGE"}}
    environment.update(env or {})
    data = stdin.encode("utf-8") if isinstance(stdin, str) else stdin
    return subprocess.run(
        [sys.executable, "-m", "ansheng.cli", "calc", *args],
        input=data,
        capture_output=True,
        cwd=ROOT,
        env=environment,
        timeout=60,
        check=False,
    )


def test_it_reads_one_object_and_prints_one_object() -> None:
    payload = {
        "people_within_500m": 40,
        "substances": [{"name": "液氯", "tonnes": 8}, {"cas": "67-56-1", "tonnes": 300}],
    }
    done = calc("gb18218", stdin=json.dumps(payload, ensure_ascii=False))
    assert done.returncode == 0, done.stderr
    assert done.stderr == b""
    text = done.stdout.decode("utf-8")
    assert text.endswith("\n") and text.count("\n") == 1  # one line: one JSON object
    assert "四级" in text  # UTF-8 text, not \u escapes
    out = json.loads(text)
    # S = 8/5 + 300/500 = 2.2; R = 1.2 × (4 × 1.6 + 1 × 0.6) = 8.4 → 四级 (Table 6: R < 10)
    assert (out["s"], out["alpha"], out["r"], out["grade"], out["grade_label"]) == (2.2, 1.2, 8.4, 4, "四级")
    assert [item["name"] for item in out["items"]] == ["氯", "甲醇"]


def test_output_is_utf8_whatever_the_locale_says() -> None:
    done = calc(
        "risk", stdin='{"method": "LEC", "L": 3, "E": 6, "C": 7}', env={"LANG": "C", "PYTHONIOENCODING": "ascii"}
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.decode("utf-8")) == {
        "score": 126,
        "level": "一般",
        "colour": "黄",
        "control_level": "车间",
    }


@pytest.mark.parametrize(
    ("name", "stdin", "code", "field"),
    [
        (
            "gb18218",
            '{"people_within_500m": 1, "substances": [{"name": "不存在", "tonnes": 1}]}',
            "unknown_substance",
            "substances[0].name",
        ),
        ("risk", '{"method": "LEC", "L": 4, "E": 6, "C": 7}', "value_not_in_table", "L"),
        (
            "gb18218",
            '{"people_within_500m": 1, "substances": [{"cas": "7782-50-5", "tonnes": -1}]}',
            "negative_quantity",
            "substances[0].tonnes",
        ),
        ("accident-grade", '{"deaths": 1, "serious_injuries": 0}', "missing_field", "direct_loss_yuan"),
        ("accident-grade", '{"deaths": "1", "serious_injuries": 0, "direct_loss_yuan": 0}', "wrong_type", "deaths"),
        (
            "gb18218",
            '{"people_within_500m": 3.0, "substances": [{"no": 12, "tonnes": 1}]}',
            "wrong_type",
            "people_within_500m",
        ),
        ("risk", '{"method": "LEC", "L": 3,', "malformed_json", None),
        ("risk", "", "malformed_json", None),
        ("risk", '[{"method": "LEC"}]', "wrong_type", None),
        ("gcj02", '{"longitude": NaN, "latitude": 29.5}', "malformed_json", None),
        ("no-such-calculator", "{}", "unknown_calculator", None),
    ],
)
def test_bad_input_gives_the_error_object_on_stderr_and_exit_2(
    name: str, stdin: str, code: str, field: str | None
) -> None:
    done = calc(name, stdin=stdin)
    assert done.returncode == 2
    assert done.stdout == b""
    error = json.loads(done.stderr.decode("utf-8"))
    assert set(error) == {"code", "message", "field"}
    assert (error["code"], error["field"]) == (code, field)
    assert error["message"]


def test_a_missing_name_is_bad_input_too() -> None:
    done = calc()
    assert done.returncode == 2
    assert json.loads(done.stderr)["code"] == "missing_calculator"


def test_messages_are_chinese_by_default_and_english_on_request() -> None:
    bad = '{"method": "LEC", "L": 4, "E": 6, "C": 7}'
    chinese = json.loads(calc("risk", stdin=bad, env={"LANG": "C.UTF-8"}).stderr)["message"]
    assert chinese == "LEC的L应为10、6、3、1、0.5、0.2、0.1之一"
    english = "LEC factor L must be one of 10, 6, 3, 1, 0.5, 0.2, 0.1"
    assert json.loads(calc("risk", "--lang", "en", stdin=bad).stderr)["message"] == english
    assert json.loads(calc("risk", stdin=bad, env={"LANG": "en_GB.UTF-8"}).stderr)["message"] == english
    # LC_ALL outranks LANG, and --lang outranks both
    assert (
        json.loads(calc("risk", stdin=bad, env={"LANG": "en_US.UTF-8", "LC_ALL": "zh_CN.UTF-8"}).stderr)["message"]
        == chinese
    )
    assert (
        json.loads(calc("risk", "--lang", "zh", stdin=bad, env={"LC_ALL": "en_US.UTF-8"}).stderr)["message"] == chinese
    )


def test_list_names_every_calculator() -> None:
    done = calc("--list")
    assert done.returncode == 0
    lines = done.stdout.decode("utf-8").splitlines()
    assert [line.split()[0] for line in lines] == [
        "gb18218",
        "accident-grade",
        "accident-fine",
        "risk",
        "diagnosis-grade",
        "credit-code",
        "gcj02",
    ]
    assert "危险化学品重大危险源辨识与分级（GB 18218-2018）" in lines[0]
    english = calc("--list", "--lang", "en").stdout.decode("utf-8")
    assert "Major hazard source identification and grading (GB 18218-2018)" in english
    described = json.loads(calc("--list", "--json").stdout)
    assert described[0]["name"] == "gb18218" and described[0]["fields"][0]["name"] == "people_within_500m"


def test_the_command_never_sets_up_django() -> None:
    script = (
        "import io, sys\n"
        'sys.stdin = io.TextIOWrapper(io.BytesIO(b\'{"code": "91350100M000100Y43"}\'))\n'
        "from ansheng.cli import main\n"
        "status = main(['calc', 'credit-code'])\n"
        "assert status == 0, status\n"
        "assert 'django' not in sys.modules, 'django was imported'\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, cwd=ROOT, timeout=60, check=False)
    assert done.returncode == 0, done.stderr.decode()
    assert json.loads(done.stdout)["valid"] is True  # the example printed in GB 32100-2015
