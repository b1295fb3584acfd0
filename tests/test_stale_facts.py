"""Facts due for another look: `check --stale DAYS` lists them, the admin's /stats counts them."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

from bot.build import build
from bot.content.stale import REVIEW_EVERY_DAYS, fact_count
from tests.conftest import run_cli
from tests.test_content_errors import line_of, only, problems_of
from tests.test_operator import ADMIN
from tests.test_telegram import run, running

FACTS = "responses/_facts.yaml"


def review_all_today_but_one(root: Path, name: str, days_ago: int) -> date:
    """Every fact in the copy reviewed today, `name` `days_ago` days ago (today's date, so the test
    means the same whenever it runs); returns that one's date."""
    path = root / FACTS
    today = date.today()
    text = re.sub(r"reviewed: \d{4}-\d{2}-\d{2}", f"reviewed: {today}", path.read_text(encoding="utf-8"))
    old = today - timedelta(days=days_ago)
    head, _, tail = text.partition(f"\n  {name}:\n")
    tail = tail.replace(f"reviewed: {today}", f"reviewed: {old}", 1)
    path.write_text(f"{head}\n  {name}:\n{tail}", encoding="utf-8")
    return old


def test_check_stale_lists_the_old_fact_with_file_line_key_and_date(content_copy: Path) -> None:
    old = review_all_today_but_one(content_copy, "pasaload_expiry", 400)
    result = run_cli("--content", str(content_copy), "check", "--stale", "180")
    assert result.returncode == 1, result.stdout + result.stderr
    line = line_of(content_copy, FACTS, "  pasaload_expiry:")
    [listed] = [row for row in result.stdout.splitlines() if "_facts.yaml" in row]
    assert listed == f"{content_copy / FACTS}:{line}: smart.pasaload_expiry reviewed {old} (400 days ago)"
    assert re.search(r"^1 of \d+ facts reviewed more than 180 days ago$", result.stdout, re.M)


def test_check_stale_passes_when_every_fact_is_recent(content_copy: Path) -> None:
    review_all_today_but_one(content_copy, "pasaload_expiry", 30)
    result = run_cli("--content", str(content_copy), "check", "--stale", "180")
    assert result.returncode == 0 and "0 of" in result.stdout, result.stdout + result.stderr
    refused = run_cli("--content", str(content_copy), "check", "--stale", "soon")
    assert refused.returncode == 2 and "not a number of days" in refused.stderr


def test_a_review_date_that_is_no_real_day_is_named_at_its_line(content_copy: Path, cache_dir: Path) -> None:
    path = content_copy / FACTS
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("reviewed: 2026-12-07", "reviewed: 2026-02-30", 1), encoding="utf-8")
    problem = only(problems_of(content_copy, cache_dir), path)
    assert "is not a date" in problem.message and problem.line == line_of(content_copy, FACTS, "2026-02-30")


def test_stats_counts_the_stale_facts(content_copy: Path, tmp_path: Path) -> None:
    review_all_today_but_one(content_copy, "roaming_call_balance", REVIEW_EVERY_DAYS + 1)
    conversation = build(content_copy)
    total = fact_count(conversation.answers.facts)

    async def scenario() -> None:
        async with running(conversation, tmp_path, admins=frozenset({ADMIN})) as (_, standin):
            standin.push_text(ADMIN, "/stats")
            [stats] = await standin.wait_for(1, chat_id=ADMIN)
            assert f"事实核对：{total} 条中有 1 条超过 {REVIEW_EVERY_DAYS} 天没有核对" in stats.params["text"]

    run(scenario)
