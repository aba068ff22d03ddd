"""Accuracy and speed of `cdk-durable lint`, printed (never asserted: timings vary by machine).

    .venv/bin/python bench/lint_speed.py

Prints precision and recall over the labelled corpus (tests/lint/corpus, ``# expect:`` comments),
findings on correct code we did not write (the SDK's examples, tests/lint/sdk_examples, and the
end-to-end tests of its sdist, tests/lint/sdk_tests), lines per
second, and the same accuracy figures for replayguard when it is installed (its codes mapped to
ours), so the comparison in docs/lint.md can be reproduced.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from cdk_durable.lint import RULES, lint_source  # noqa: E402
from tests.lint._expect import (  # noqa: E402
    corpus_files,
    correct_code_files,
    expected_findings,
    sdk_example_files,
    sdk_test_files,
)

Key = tuple[str, int, str]
Linter = Callable[[str, str], Iterable[tuple[int, str]]]


ALL_CODES = [r.code for r in RULES]


def ours(source: str, path: str) -> list[tuple[int, str]]:
    """Every rule on (the opt-in DUR009 included): recall over the whole labelled corpus."""
    return [(f.line, f.code) for f in lint_source(source, path, select=ALL_CODES)]


def ours_default(source: str, path: str) -> list[tuple[int, str]]:
    """The default rules, as `cdk-durable lint` runs without options."""
    return [(f.line, f.code) for f in lint_source(source, path)]


#: replayguard rule -> our rule, for the rules that check the same thing.
REPLAYGUARD_MAP = {
    "RG001": "DUR001",
    "RG002": "DUR002",
    "RG003": "DUR004",
    "RG004": "DUR006",
    "RG005": "DUR007",
}


def replayguard_linter() -> Linter | None:
    try:
        from replayguard.frontends.python_frontend import parse_source
        from replayguard.rules import check
    except ImportError:
        return None

    def run(source: str, path: str) -> list[tuple[int, str]]:
        out = []
        for handler in parse_source(source, path).handlers:
            for finding in check(handler):
                code = REPLAYGUARD_MAP.get(finding.rule)
                if code is not None:
                    out.append((finding.loc.line, code))
        return out

    return run


def score(linter: Linter) -> tuple[set[Key], set[Key], set[Key], Counter[str], Counter[str]]:
    expected: set[Key] = set()
    found: set[Key] = set()
    for file in corpus_files():
        source = file.read_text()
        expected |= {(file.name, line, code) for line, code in expected_findings(source)}
        found |= {(file.name, line, code) for line, code in linter(source, str(file))}
    tp, fp, fn = found & expected, found - expected, expected - found
    per_rule_expected = Counter(code for _, _, code in expected)
    per_rule_tp = Counter(code for _, _, code in tp)
    return tp, fp, fn, per_rule_expected, per_rule_tp


def report_accuracy(name: str, linter: Linter) -> None:
    tp, fp, fn, per_rule_expected, per_rule_tp = score(linter)
    precision = len(tp) / (len(tp) + len(fp)) if tp or fp else 1.0
    recall = len(tp) / (len(tp) + len(fn)) if tp or fn else 1.0
    print(f"\n== {name}: corpus ({len(corpus_files())} files, {len(tp) + len(fn)} expected findings)")
    print(f"precision {precision:.3f}  recall {recall:.3f}  (TP {len(tp)}, FP {len(fp)}, FN {len(fn)})")
    print(
        "recall by rule: "
        + ", ".join(f"{r.code} {per_rule_tp[r.code]}/{per_rule_expected[r.code]}" for r in RULES)
    )
    for key in sorted(fp):
        print(f"  false positive: {key}")
    for label, files in (("SDK examples", sdk_example_files()), ("SDK e2e tests", sdk_test_files())):
        hits = [(f.name, *hit) for f in files for hit in linter(f.read_text(), str(f))]
        lines = sum(len(f.read_text().splitlines()) for f in files)
        print(f"{label} (correct code, {len(files)} files, {lines} lines): {len(hits)} finding(s)")
        for hit in hits:
            print(f"  {hit}")


def report_speed(repeat: int = 30) -> None:
    sources = [(str(f), f.read_text()) for f in [*corpus_files(), *correct_code_files()]]
    lines = sum(len(text.splitlines()) for _, text in sources)
    start = time.perf_counter()
    for _ in range(repeat):
        for path, text in sources:
            lint_source(text, path)
    elapsed = time.perf_counter() - start
    print(f"\n== speed: {lines * repeat} lines in {elapsed:.3f} s -> {lines * repeat / elapsed:,.0f} lines/s")
    sdk_dir = next(Path(sys.prefix).glob("lib/python*/site-packages/aws_durable_execution_sdk_python"), None)
    if sdk_dir is not None:
        files = [(str(p), p.read_text()) for p in sdk_dir.rglob("*.py")]
        big = sum(len(text.splitlines()) for _, text in files)
        start = time.perf_counter()
        for path, text in files:
            lint_source(text, path)
        elapsed = time.perf_counter() - start
        print(
            f"   the SDK's own source ({len(files)} files): {big} lines in {elapsed:.3f} s "
            f"-> {big / elapsed:,.0f} lines/s"
        )


def main() -> None:
    report_accuracy("cdk-durable lint, every rule (--select DUR)", ours)
    report_accuracy(
        "cdk-durable lint, default rules (DUR009 opt-in: expected DUR009 count as misses)", ours_default
    )
    replayguard = replayguard_linter()
    if replayguard is not None:
        report_accuracy("replayguard 0.2.1 (RG001-RG005 mapped to DUR codes)", replayguard)
    report_speed()


if __name__ == "__main__":
    main()
