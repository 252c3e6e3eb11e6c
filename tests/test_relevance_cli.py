"""`build.py analyze --json` and `build.py eval` with relevance."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_build

CORPUS = "tests/fixtures/relevance/articles.jsonl"
FRESH = "tests/fixtures/relevance/fresh.jsonl"
FRESH2 = "tests/fixtures/relevance/fresh2.jsonl"
FRESH3 = "tests/fixtures/relevance/fresh3.jsonl"
FRESH4 = "tests/fixtures/relevance/fresh4.jsonl"
FRESH5 = "tests/fixtures/relevance/fresh5.jsonl"
FRESH6 = "tests/fixtures/relevance/fresh6.jsonl"
FRESH7 = "tests/fixtures/relevance/fresh7.jsonl"
FITTED = ("fresh", "fresh2", "fresh3", "fresh4", "fresh5", "fresh6")  # scored, studied: fitted
HELD_OUT = ("fresh7_feed", "fresh7_trap", "fresh7")  # fresh7 in two parts, and whole


def test_analyze_json_adds_relevance_and_relevant(tmp_path):
    ai = tmp_path / "ai.txt"
    ai.write_text(
        "대구 스타트업, 제조 불량 검출 딥러닝 모델로 30억 투자 유치\n\n"
        "[대구=서하준 기자] 대구의 인공지능(AI) 스타트업이 제조 현장의 불량을 찾아내는 딥러닝 "
        "모델로 30억 원을 투자받았다.\n\n회사는 부품 사진 50만 장을 학습시킨 모델을 공장 12곳에 "
        "공급하고 있다.\n",
        encoding="utf-8",
    )
    weather = tmp_path / "weather.txt"
    weather.write_text(
        "대구 낮 최고 37도…올여름 첫 폭염경보\n\n[대구=서하준 기자] 대구와 경북 일부 지역에 "
        "올여름 첫 폭염경보가 내려졌다.\n\n기상청은 당분간 무더위가 이어지겠다고 내다봤다.\n",
        encoding="utf-8",
    )
    data = json.loads(run_build("analyze", str(ai), str(weather), "--json").stdout)
    by_file = {item["file"]: item for item in data}
    assert by_file[str(ai)]["relevant"] is True
    assert by_file[str(ai)]["relevance"] > 0.9
    assert by_file[str(weather)]["relevant"] is False
    assert 0.0 <= by_file[str(weather)]["relevance"] < 0.2
    assert "regions" in by_file[str(ai)]  # the tagger's output is still there


def test_eval_reports_precision_and_recall_of_the_filter_per_split(root):
    labels = (CORPUS, FRESH, FRESH2, FRESH3, FRESH4, FRESH5, FRESH6, FRESH7)
    text = run_build("eval", *labels, cwd=root).stdout
    assert "relevance filter at threshold" in text
    fitted = "train, test, fresh, fresh2, fresh3, fresh4, fresh5, fresh6"
    assert f"fitted on {fitted}; held out: fresh7_feed, fresh7_trap, fresh7" in text
    for split in ("train", "test", *FITTED, *HELD_OUT, "all"):
        assert any(line.startswith(f"{split} ") for line in text.splitlines())
    data = json.loads(run_build("eval", "--relevance", *labels, "--json", cwd=root).stdout)
    splits = data["splits"]
    assert splits["test"]["articles"] + splits["train"]["articles"] == 226
    sizes = [89, 47, 44, 41, 64, 62, 53, 42, 95]
    assert [splits[name]["articles"] for name in (*FITTED, *HELD_OUT)] == sizes
    assert data["fitted_on"] == ",".join(("train", "test", *FITTED))
    assert data["held_out"] == list(HELD_OUT)
    # regression guards, below the shipped model's figures (docs/benchmarks.md "Relevance
    # filter"): fitted sets in-sample; fresh7 scored once with the final model v7: the feed part
    # 1.000 / 1.000, the traps 0.750 / 1.000, the whole set 0.857 / 1.000 (below the target 0.95)
    for name in ("train", "test", *FITTED):
        assert splits[name]["precision"] >= 0.9 and splits[name]["recall"] >= 0.85
    assert splits["fresh7_feed"]["precision"] >= 0.95 and splits["fresh7_feed"]["recall"] >= 0.9
    assert splits["fresh7_trap"]["precision"] >= 0.72 and splits["fresh7_trap"]["recall"] >= 0.9
    assert splits["fresh7"]["precision"] >= 0.82 and splits["fresh7"]["recall"] >= 0.9
    assert all(e["error"] in ("miss", "false-positive") for e in data["errors"])


def test_eval_refuses_an_id_in_two_files(root, tmp_path):
    copy = tmp_path / "copy.jsonl"
    copy.write_text(Path(root / FRESH).read_text(encoding="utf-8"), encoding="utf-8")
    done = run_build("eval", FRESH, str(copy), cwd=root, check=False)
    assert done.returncode != 0
    assert "ids in more than one labels file: fresh_001" in done.stderr
