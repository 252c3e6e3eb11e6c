"""When `update` re-runs Pagefind: site.toml [search], the pending count, the decision."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitegen.search_schedule import (
    STATE,
    SearchSchedule,
    SearchScheduleError,
    SearchState,
    load_search_schedule,
    plan_search,
    read_state,
    should_index,
)


def _site_toml(tmp_path: Path, table: str) -> Path:
    path = tmp_path / "site.toml"
    path.write_text(f'[site]\ntitle = "x"\n{table}', encoding="utf-8")
    return path


def test_defaults_index_after_every_update_that_changed_pages(tmp_path):
    schedule = load_search_schedule(_site_toml(tmp_path, ""))
    assert schedule == SearchSchedule(every_runs=1, changed_share=0.0)
    assert should_index(schedule, SearchState(), 3, 100, indexed=True) == (True, SearchState())
    assert should_index(schedule, SearchState(), 0, 100, indexed=True) == (False, SearchState())
    assert should_index(schedule, SearchState(), 0, 100, indexed=False)[0]  # no index yet


def test_every_n_runs_or_sooner_when_a_share_of_pages_changed():
    schedule = SearchSchedule(every_runs=3, changed_share=0.1)
    state, decisions = SearchState(), []
    for changed in (2, 0, 2, 2, 50, 1):
        due, state = should_index(schedule, state, changed, 200, indexed=True)
        decisions.append(due)
    # 2 (1 run), 0 (no change, not counted), 2 (2 runs), 2 (3 runs: due), 50 (25 %: due), 1
    assert decisions == [False, False, False, True, True, False]
    assert state == SearchState(runs=1, changed=1)


def test_settings_errors_name_the_file_and_key(tmp_path):
    for table, message in (
        ("[search]\nevery = 2\n", "unknown key"),
        ("[search]\nevery_runs = 0\n", "every_runs"),
        ("[search]\nevery_runs = true\n", "every_runs"),
        ("[search]\nchanged_share = 5\n", "changed_share"),
    ):
        path = _site_toml(tmp_path, table)
        with pytest.raises(SearchScheduleError, match=message) as caught:
            load_search_schedule(path)
        assert str(path) in str(caught.value)


def test_plan_keeps_the_pending_count_between_updates(tmp_path):
    site_toml = _site_toml(tmp_path, "[search]\nevery_runs = 2\n")
    public = tmp_path / "public"
    (public / "pagefind").mkdir(parents=True)
    first = plan_search(site_toml, public, {"written": 4, "removed": 1, "pages": 100})
    assert not first.due
    first.keep()
    assert read_state(public) == SearchState(runs=1, changed=5)
    second = plan_search(site_toml, public, {"written": 1, "removed": 0, "pages": 100})
    assert second.due
    second.keep()
    assert read_state(public) == SearchState()
    (public / STATE).write_text("not json", encoding="utf-8")
    assert read_state(public) == SearchState()  # unreadable: counted from zero
