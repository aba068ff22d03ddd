"""The console in a real browser (Debian's chromium through Selenium): list, filter, timeline page,
answer a callback, stop; every value escaped; forms need the service's token."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

import pytest

from ..diagnose._browser import chromium
from .conftest import FLOWS, wait_until

pytestmark = pytest.mark.browser


def test_console_lists_filters_answers_a_callback_and_stops(serve: Any) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    served = serve(
        "--skip-time", "--function", f"approval={FLOWS}:approval", "--function", f"waits={FLOWS}:waits"
    )
    client = served.client()
    hostile = "<script>window.pwned=1</script>"
    arn = client.invoke(
        FunctionName="approval:$LATEST",
        InvocationType="Event",
        DurableExecutionName="review-1",
        Payload=json.dumps({"items": [1, 2], "note": hostile}),
    )["DurableExecutionArn"]
    other = client.invoke(
        FunctionName="approval:$LATEST", InvocationType="Event", DurableExecutionName="review-2", Payload="{}"
    )["DurableExecutionArn"]
    done = client.invoke(FunctionName="waits:$LATEST", DurableExecutionName="w-1", Payload='{"wait": 1}')
    assert json.loads(done["Payload"].read()) == {"count": 2}

    def has_callback(execution_arn: str) -> bool:
        events = client.get_durable_execution_history(DurableExecutionArn=execution_arn)["Events"]
        return any(e["EventType"] == "CallbackStarted" for e in events)

    wait_until(lambda: has_callback(arn) and has_callback(other), "both callbacks")

    with chromium() as browser:
        browser.get(served.url + "/")
        names = [a.text for a in browser.find_elements(By.CSS_SELECTOR, "#executions tbody td:first-child a")]
        assert sorted(names) == ["review-1", "review-2", "w-1"]
        Select(browser.find_element(By.NAME, "function")).select_by_value("waits")
        browser.find_element(By.CSS_SELECTOR, "#filter button").click()
        wait_until(lambda: "function=waits" in browser.current_url, "the function filter")
        rows = browser.find_elements(By.CSS_SELECTOR, "#executions tbody tr")
        assert [r.find_element(By.CSS_SELECTOR, "td").text for r in rows] == ["w-1"]
        Select(browser.find_element(By.NAME, "function")).select_by_value("")
        Select(browser.find_element(By.NAME, "status")).select_by_visible_text("RUNNING")
        browser.find_element(By.CSS_SELECTOR, "#filter button").click()
        wait_until(lambda: "status=RUNNING" in browser.current_url, "the status filter")
        running = sorted(a.text for a in browser.find_elements(By.CSS_SELECTOR, "#executions tbody a"))
        assert running == ["review-1", "review-2"]

        # the timeline page of review-1, with its pending callback; answer it from the form
        browser.find_element(By.LINK_TEXT, "review-1").click()
        assert browser.find_element(By.ID, "status").text == "RUNNING"
        assert browser.execute_script("return window.pwned === undefined")  # the payload is text, not code
        callback = browser.find_element(By.CSS_SELECTOR, "fieldset.callback")
        assert "review" in callback.get_attribute("data-name")
        box = callback.find_element(By.CSS_SELECTOR, "form.succeed textarea")
        box.clear()
        box.send_keys('{"approved": true}')
        callback.find_element(By.CSS_SELECTOR, "form.succeed button").click()
        execution = wait_until(
            lambda: (lambda d: d if d["Status"] != "RUNNING" else None)(
                client.get_durable_execution(DurableExecutionArn=arn)
            ),
            "review-1 to finish",
        )
        assert execution["Status"] == "SUCCEEDED"
        assert json.loads(execution["Result"])["verdict"] == '{"approved": true}'
        browser.refresh()
        assert browser.find_element(By.ID, "status").text == "SUCCEEDED"

        # stop review-2 from its page
        browser.get(served.url + "/")
        browser.find_element(By.LINK_TEXT, "review-2").click()
        browser.find_element(By.CSS_SELECTOR, "#stop button").click()
        wait_until(
            lambda: client.get_durable_execution(DurableExecutionArn=other)["Status"] == "STOPPED", "the stop"
        )

    # a form posted without the service's token (another site's page) is refused
    request = urllib.request.Request(served.url + "/console/stop", data=b"arn=x&token=guess", method="POST")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=30)
    assert refused.value.code == 403
    assert "Traceback" not in served.log.read_text()
