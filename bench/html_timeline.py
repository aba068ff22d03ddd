"""How fast the timeline page of `cdk-durable diagnose --html` is made and opened, at 3,000 operations.

Prints figures; asserts nothing. Run: `.venv/bin/python bench/html_timeline.py`

1. History -> page in Python (median of 5): parse + analyze, `render_html`, `write_html`, and the
   whole `diagnose_history` + `write_html` path, on the synthetic 3,000-operation history of the
   page tests (tests/diagnose/_synthetic.py: a map of 1,499 items and a pending wait).
2. The same for the recorded demo escalation page (12 operations).
3. Headless Chromium (Debian's, through Selenium; median of 3): time until the page's load event,
   the browser's own navigation timing, and "Expand all" on 3,000 rows.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cdk_durable.diagnose import diagnose_history, render_html, write_html  # noqa: E402
from tests.diagnose import _fixtures as fx  # noqa: E402
from tests.diagnose._browser import chromium, open_page  # noqa: E402
from tests.diagnose._synthetic import big_map_history  # noqa: E402


def median_seconds(func: Callable[[], object], repeat: int = 5) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def main() -> None:
    now = fx.at("map_retry", hours=2)  # a fixed instant: the figures do not depend on today's date
    history = big_map_history()
    out = Path(tempfile.mkdtemp(prefix="html-bench-"))
    big = out / "big.html"
    diagnosis = diagnose_history(history, now=now)
    analyze = median_seconds(lambda: diagnose_history(history, now=now))
    render = median_seconds(lambda: render_html(diagnosis))
    write = median_seconds(lambda: write_html(diagnosis, big))
    whole = median_seconds(lambda: write_html(diagnose_history(history, now=now), big))
    size = big.stat().st_size
    print(f"3,000-operation history ({len(history['Events']):,} events) -> page ({size / 1e6:.1f} MB):")
    print(f"  parse + analyze          {analyze * 1000:7.1f} ms")
    print(f"  render_html              {render * 1000:7.1f} ms")
    print(f"  write_html               {write * 1000:7.1f} ms")
    print(f"  history -> page on disk  {whole * 1000:7.1f} ms  (median of 5)")

    demo = fx.history("demo_escalation")
    small = out / "demo.html"
    demo_now = fx.at("demo_escalation", minutes=5)
    demo_whole = median_seconds(lambda: write_html(diagnose_history(demo, now=demo_now), small))
    print(f"demo escalation (12 operations) -> page: {demo_whole * 1000:.1f} ms")

    loads, nav, expand = [], [], []
    with chromium() as driver:
        for _ in range(3):
            start = time.perf_counter()
            open_page(driver, big)
            loads.append(time.perf_counter() - start)
            timing = driver.execute_script(
                "const t = performance.getEntriesByType('navigation')[0];"
                "return [t.domContentLoadedEventEnd, t.loadEventEnd];"
            )
            nav.append(timing)
            start = time.perf_counter()
            driver.find_element("id", "expand-all").click()
            driver.execute_script("return document.body.getBoundingClientRect().height")  # force layout
            expand.append(time.perf_counter() - start)
    print("headless Chromium, 3,000-operation page (median of 3):")
    print(f"  driver.get until load    {statistics.median(loads) * 1000:7.0f} ms")
    print(f"  DOMContentLoaded         {statistics.median(t[0] for t in nav):7.0f} ms  (navigation timing)")
    print(f"  load event               {statistics.median(t[1] for t in nav):7.0f} ms  (navigation timing)")
    print(f"  Expand all + layout      {statistics.median(expand) * 1000:7.0f} ms")


if __name__ == "__main__":
    main()
