"""The timeline page in a real headless browser (Debian's Chromium through Selenium): the DOM a person sees.

Pages are written the way a user writes them, ``cdk-durable diagnose HISTORY --html OUT.html``
(docs/diagnose.md), except the 3,000-operation page, built from a synthetic history with
:func:`write_html`. No assertion here is about speed: ``bench/html_timeline.py`` times it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

from cdk_durable.cli import main
from cdk_durable.diagnose import diagnose_history, render_text, write_html

from . import _fixtures as fx
from ._browser import chromium, full_page_screenshot, open_page
from ._synthetic import big_map_history, fail_item

#: Deselect with ``-m "not browser"`` (``make check``); ``make test`` runs them.
pytestmark = pytest.mark.browser

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def browser() -> Iterator[WebDriver]:
    with chromium() as driver:
        yield driver


def _page_from_cli(tmp_path: Path, name: str, **delta: float) -> Path:
    out = tmp_path / f"{name}.html"
    args = [str(fx.history_path(name)), "--now", fx.at(name, **delta).isoformat(), "--html", str(out)]
    if fx.execution_path(name).exists():
        args += ["--execution", str(fx.execution_path(name))]
    result = CliRunner().invoke(main, ["diagnose", *args])
    assert result.exit_code == 0, result.output
    return out


def _row(driver: WebDriver, name: str) -> WebElement:
    return driver.find_element(By.CSS_SELECTOR, f'.op[data-name="{name}"]')


def _visible(driver: WebDriver, element: WebElement) -> bool:
    return bool(driver.execute_script("return arguments[0].querySelector('.row').checkVisibility()", element))


def _visible_rows(driver: WebDriver) -> list[str]:
    return list(
        driver.execute_script(
            "return Array.from(document.querySelectorAll('.op'))"
            ".filter(op => op.querySelector('.row').checkVisibility()).map(op => op.dataset.name)"
        )
    )


def test_pending_callback_page(browser: WebDriver, tmp_path: Path) -> None:
    # Given the page of an execution stuck on a callback, opened in Chromium
    page = _page_from_cli(tmp_path, "callback_pending", hours=2)
    open_page(browser, page)
    diagnosis = diagnose_history(
        fx.history("callback_pending"),
        fx.execution("callback_pending"),
        now=fx.at("callback_pending", hours=2),
    )
    # Then the header says what the text report says
    assert browser.find_element(By.ID, "execution-status").text == "RUNNING"
    duration = browser.find_element(By.CSS_SELECTOR, '[data-fact="duration"]').text
    assert f"  Duration  {duration}\n" in render_text(diagnosis)
    # And there is one row per operation, with its status
    rows = browser.find_elements(By.CSS_SELECTOR, "#timeline .op")
    assert [(r.get_attribute("data-name"), r.find_element(By.CSS_SELECTOR, ".st").text) for r in rows] == [
        ("validate-order", "SUCCEEDED"),
        ("reserve-stock", "SUCCEEDED"),
        ("manager-approval", "STARTED (open)"),
        ("notify-manager", "SUCCEEDED"),
    ]
    # And the finding is shown with its next steps
    finding = browser.find_element(By.CSS_SELECTOR, '.finding[data-code="stuck-in-callback"]')
    assert "waiting on callback 'manager-approval' for 2h 00m" in finding.text
    assert len(finding.find_elements(By.CSS_SELECTOR, ".next-steps li")) == 3
    # And the pending callback's command is the one the text report prints, ready to copy
    callback = diagnosis.pending_callbacks[0]
    shown = browser.find_element(By.CSS_SELECTOR, '#pending-callbacks pre.cmd[data-kind="success"]')
    assert shown.text == callback.commands["success"]
    assert f"    success:   {shown.text}\n" in render_text(diagnosis)
    block = browser.find_element(By.CSS_SELECTOR, "#pending-callbacks .callback")
    assert block.find_element(By.CSS_SELECTOR, ".callback-id").text == callback.callback_id
    button = block.find_element(By.CSS_SELECTOR, 'button.copy[data-target="cmd-0-success"]')
    button.click()
    # the clipboard write is a promise: wait (bounded) until the button says how it went
    WebDriverWait(browser, 10).until(lambda _: button.text != "Copy")
    assert button.text in ("Copied", "Selected: press Ctrl+C")
    # And the open callback's bar runs up to now, the right end of the axis
    bar = _row(browser, "manager-approval").find_element(By.CSS_SELECTOR, ".bar.open-bar")
    track = _row(browser, "manager-approval").find_element(By.CSS_SELECTOR, ".track")
    assert abs(bar.rect["x"] + bar.rect["width"] - (track.rect["x"] + track.rect["width"])) <= 1
    assert "open for 2h 00m so far" in (bar.get_attribute("title") or "")
    # And a screenshot of it can be taken
    shot = tmp_path / "callback_pending.png"
    full_page_screenshot(browser, shot)
    assert shot.read_bytes().startswith(PNG_SIGNATURE) and shot.stat().st_size > 10_000


def test_nesting_and_collapsing(browser: WebDriver, tmp_path: Path) -> None:
    # Given the demo's escalation run: wait_for_callback contexts and a parallel close-out
    open_page(browser, _page_from_cli(tmp_path, "demo_escalation", minutes=5))
    close_out = _row(browser, "close-out")
    # Then the parallel branches are nested under it, each holding its step
    branches = close_out.find_elements(By.CSS_SELECTOR, ":scope > .children > .op")
    assert [(b.get_attribute("data-name"), b.get_attribute("data-sub-type")) for b in branches] == [
        ("send-reply", "ParallelBranch"),
        ("send-survey", "ParallelBranch"),
    ]
    for branch in branches:
        (step,) = branch.find_elements(By.CSS_SELECTOR, ":scope > .children > .op")
        assert (step.get_attribute("data-type"), step.get_attribute("data-depth")) == ("Step", "2")
    review = _row(browser, "agent-review")
    assert [c.get_attribute("data-name") for c in review.find_elements(By.CSS_SELECTOR, ".children .op")] == [
        "agent-review create callback id",
        "agent-review submitter",
    ]
    assert len(_visible_rows(browser)) == 12
    # When the close-out row is clicked, its subtree folds away and the rest stays
    close_out.find_element(By.CSS_SELECTOR, ":scope > summary").click()
    assert not _visible(browser, _row(browser, "send-reply"))
    assert _visible(browser, close_out) and _visible(browser, _row(browser, "agent-review submitter"))
    assert len(_visible_rows(browser)) == 8
    # And a second click opens it again
    close_out.find_element(By.CSS_SELECTOR, ":scope > summary").click()
    assert len(_visible_rows(browser)) == 12
    # And "Collapse all" leaves the top level, "Expand all" everything
    browser.find_element(By.ID, "collapse-all").click()
    assert _visible_rows(browser) == ["analyze-ticket", "agent-review", "specialist-review", "close-out"]
    browser.find_element(By.ID, "expand-all").click()
    assert len(_visible_rows(browser)) == 12


def _color(driver: WebDriver, element: WebElement) -> Any:
    return driver.execute_script("return getComputedStyle(arguments[0]).backgroundColor", element)


def test_map_items_retries_and_an_open_wait(browser: WebDriver, tmp_path: Path) -> None:
    open_page(browser, _page_from_cli(tmp_path, "map_retry", hours=2))
    items = _row(browser, "pack-parcels").find_elements(By.CSS_SELECTOR, ":scope > .children > .op")
    assert [i.get_attribute("data-name") for i in items] == ["map-item-0", "map-item-1", "map-item-2"]
    assert {i.get_attribute("data-sub-type") for i in items} == {"MapIteration"}
    # The retried step: two bars, the failed attempt red, the retry green, the delay between them
    bars = _row(browser, "pack-b").find_elements(By.CSS_SELECTOR, ".bar")
    assert [(b.get_attribute("data-attempt"), b.get_attribute("data-status")) for b in bars] == [
        ("1", "FAILED"),
        ("2", "SUCCEEDED"),
    ]
    assert [_color(browser, b) for b in bars] == ["rgb(208, 48, 48)", "rgb(46, 157, 79)"]
    assert "label scanner busy, try again" in (bars[0].get_attribute("title") or "")
    assert len(_row(browser, "pack-b").find_elements(By.CSS_SELECTOR, ".gap")) == 1
    assert _row(browser, "pack-b").find_element(By.CSS_SELECTOR, ".st").text == "SUCCEEDED (2 attempts)"
    # The pending wait: an open bar in the "open" color, listed under pending waits
    wait = _row(browser, "wait-for-pickup").find_element(By.CSS_SELECTOR, ".bar")
    assert "open-bar" in (wait.get_attribute("class") or "")
    assert _color(browser, wait) == "rgb(47, 116, 208)"
    resumes = (
        diagnose_history(fx.history("map_retry"), now=fx.at("map_retry", hours=2)).pending_waits[0].until
    )
    assert resumes is not None
    assert (wait.get_attribute("title") or "").endswith(f"resumes at {resumes:%Y-%m-%d %H:%M:%S} UTC")
    assert browser.find_element(By.CSS_SELECTOR, "#pending-waits li").text.startswith(
        "wait-for-pickup until "
    )


def test_zooming_the_time_axis(browser: WebDriver, tmp_path: Path) -> None:
    # Given a second of map work followed by two hours of an open wait: the map's bars are slivers
    open_page(browser, _page_from_cli(tmp_path, "map_retry", hours=2))
    track = _row(browser, "pack-b").find_element(By.CSS_SELECTOR, ".track")
    retry = _row(browser, "pack-b").find_element(By.CSS_SELECTOR, ".gap")
    assert retry.rect["width"] <= 2
    # When the map's row is double-clicked
    ActionChains(browser).double_click(
        _row(browser, "pack-parcels").find_element(By.CSS_SELECTOR, ".name")
    ).perform()
    # Then the axis spans the map alone: the retry delay fills most of the track, the labels follow
    assert retry.rect["width"] > 0.8 * track.rect["width"]
    assert browser.find_element(By.ID, "zoom-label").text.startswith("+")
    ticks = [t.text for t in browser.find_elements(By.CSS_SELECTOR, ".axis .tick:not(.now)")]
    assert ticks[-1] == "+1.0s" and not browser.find_element(By.CSS_SELECTOR, ".tick.now").is_displayed()
    assert _row(browser, "pack-parcels").get_attribute("open") == "true"  # the double click did not fold it
    # And "Whole execution" puts everything back
    browser.find_element(By.ID, "zoom-reset").click()
    assert retry.rect["width"] <= 2
    assert browser.find_element(By.ID, "zoom-label").text == "whole execution"
    assert browser.find_elements(By.CSS_SELECTOR, ".axis .tick")[-2].text == "+2h 00m"
    # And "Activity" zooms to the operations that ended
    browser.find_element(By.ID, "zoom-activity").click()
    assert retry.rect["width"] > 0.8 * track.rect["width"]


def test_user_data_stays_text(browser: WebDriver, tmp_path: Path) -> None:
    history = fx.history("callback_pending")
    for event in history["Events"]:
        if event.get("Name") == "reserve-stock":
            event["Name"] = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>'
    page = tmp_path / "hostile.html"
    write_html(diagnose_history(history, now=fx.at("callback_pending", hours=2)), page)
    open_page(browser, page)
    assert browser.execute_script("return window.__pwned === undefined")
    assert browser.execute_script("return document.images.length + document.scripts.length") == 1
    row = browser.find_elements(By.CSS_SELECTOR, "#timeline .op")[1]
    assert row.find_element(By.CSS_SELECTOR, ".name").text.startswith("<img src=x onerror=")


def test_the_page_loads_nothing(browser: WebDriver, tmp_path: Path) -> None:
    open_page(browser, _page_from_cli(tmp_path, "retries_exhausted", hours=1))
    assert browser.execute_script("return performance.getEntriesByType('resource').length") == 0
    failure = browser.find_element(By.CSS_SELECTOR, "#failures tr.failure")
    assert failure.find_element(By.CSS_SELECTOR, ".error-type").text == (
        "tests.diagnose.handlers.charge.CardDeclinedError"
    )
    assert failure.find_element(By.CSS_SELECTOR, ".error-message").text == "card declined: insufficient funds"


def test_three_thousand_operations(browser: WebDriver, tmp_path: Path) -> None:
    # Given an execution at the 3,000-operation maximum: a map of 1,499 items, then a wait
    page = tmp_path / "big.html"
    write_html(diagnose_history(big_map_history(), now=fx.at("map_retry", hours=2)), page)
    open_page(browser, page)
    # Then every operation has a row, and the page opens with the map folded
    count = "return document.querySelectorAll('#timeline .op').length"
    WebDriverWait(browser, 30).until(lambda d: d.execute_script(count) == 3_000)  # bounded wait
    assert browser.execute_script(count) == 3_000
    assert _visible_rows(browser) == ["pack-parcels", "wait-for-pickup"]
    assert "(1,499)" in _row(browser, "pack-parcels").find_element(By.CSS_SELECTOR, ".name").text
    # When the map is opened, its items show, each still folded
    _row(browser, "pack-parcels").find_element(By.CSS_SELECTOR, ":scope > summary").click()
    assert len(_visible_rows(browser)) == 1_501
    # And "Expand all" shows all 3,000
    browser.find_element(By.ID, "expand-all").click()
    assert len(_visible_rows(browser)) == 3_000


def test_find_and_only_problems(browser: WebDriver, tmp_path: Path) -> None:
    # Given 3,000 operations where one map item's step failed, the page opened with the map folded
    history = fail_item(big_map_history(), 700)
    page = tmp_path / "failed-item.html"
    write_html(diagnose_history(history, now=fx.at("map_retry", hours=2)), page)
    open_page(browser, page)
    assert "pack-1234" not in _visible_rows(browser)
    # When a name is searched for, its row is highlighted and its parents unfold
    browser.find_element(By.ID, "find").send_keys("pack-1234")
    assert "pack-1234" in _visible_rows(browser)
    assert browser.find_element(By.ID, "find-count").text == "1 found"
    assert "match" in (_row(browser, "pack-1234").get_attribute("class") or "")
    # When only what did not succeed is asked for, the path to the failure and the open wait remain
    browser.find_element(By.ID, "only-problems").click()
    assert _visible_rows(browser) == ["pack-parcels", "map-item-700", "pack-700", "wait-for-pickup"]
    browser.find_element(By.ID, "only-problems").click()
    assert len(_visible_rows(browser)) > 1_000
