"""`make bench`: every benchmark in turn, then each result beside its goal.

Each benchmark is its own process (`python -m benchmarks.<name>`), so one's memory and imports
never colour another's. Their result lines pass through as they come; comment lines (`#`) too.
At the end a summary repeats every ratio with its goal and says "met" or "MISSED"; the exit
status is 1 when a benchmark failed to run, never because a goal was missed (the numbers are
the result, and docs/performance.md discusses them).

Settings: see benchmarks/common.py (sizes, databases). CARECOORD_BENCH_ONLY=a,b runs only those.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

from benchmarks.common import ROOT, note

# In this order: seeding speed first; the load tests last, when the datasets exist.
BENCHMARKS = (
    "seed",
    "dashboard",
    "export",
    "encryption_share",
    "http_load",
    "audit_chain",
    "search",
)
# Goals of issue 7, by the start of a ratio's name: (at most or at least, value).
GOALS: dict[str, tuple[str, float]] = {
    "http_throughput.": ("≥", 0.5),
    "http_p99.": ("≤", 2.0),
    "dashboard_vs_sql.": ("≤", 1.2),
    "export_vs_raw.": ("≤", 2.0),
    "export_peak_memory_10n_vs_n.": ("≤", 1.2),
    "encryption_share_client_file.": ("≤", 0.05),
    "signin_storm_caseload_p99.": ("≤", 2.0),
}
FIGURE_GOALS: dict[str, tuple[str, float]] = {
    # Per dashboard page at stress size on PostgreSQL.
    "dashboard_page_ms.postgresql.stress": ("≤", 300.0),
}
RESULT = re.compile(r"^(ratio|figure) (\S+) (\S+)")


def _verdict(goals: dict[str, tuple[str, float]], name: str, value: float) -> str | None:
    for prefix, (direction, bound) in goals.items():
        if name.startswith(prefix):
            met = value <= bound if direction == "≤" else value >= bound
            return f"goal {direction} {bound:g}: {'met' if met else 'MISSED'}"
    return None


def main() -> int:
    only = [n for n in os.environ.get("CARECOORD_BENCH_ONLY", "").split(",") if n]
    chosen = [name for name in BENCHMARKS if not only or name in only]
    results: list[tuple[str, str, float]] = []
    failed: list[str] = []
    for name in chosen:
        note(f"== benchmarks.{name}")
        process = subprocess.Popen(
            [sys.executable, "-m", f"benchmarks.{name}"],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert process.stdout is not None
        for line in process.stdout:
            print(line, end="", flush=True)
            if match := RESULT.match(line):
                kind, result, value = match.groups()
                try:
                    results.append((kind, result, float(value)))
                except ValueError:
                    continue
        if process.wait() != 0:
            failed.append(name)
    print("\n# summary: each ratio beside the goal of issue 7")
    for kind, result, value in results:
        verdict = _verdict(GOALS if kind == "ratio" else FIGURE_GOALS, result, value)
        if verdict:
            print(f"# {kind} {result} {value:g}  {verdict}")
    if failed:
        print(f"# failed to run: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
