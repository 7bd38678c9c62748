"""Add up the JUnit XML files pytest wrote for each database and print one closing line.

Usage: python3 scripts/test-summary.py var/test-results/*.xml
"""

import sys
import xml.etree.ElementTree as ET
from pathlib import Path


def count(path: Path) -> dict[str, int]:
    root = ET.parse(path).getroot()
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for suite in suites:
        for key in totals:
            totals[key] += int(suite.get(key, 0))
    return totals


def main(paths: list[str]) -> int:
    grand = {"passed": 0, "failed": 0, "skipped": 0}
    for name in paths:
        path = Path(name)
        if not path.exists():
            continue
        t = count(path)
        failed = t["failures"] + t["errors"]
        passed = t["tests"] - failed - t["skipped"]
        print(f"==> {path.stem}: {passed} passed, {failed} failed, {t['skipped']} skipped")
        grand["passed"] += passed
        grand["failed"] += failed
        grand["skipped"] += t["skipped"]
    print(f"total: {grand['passed']} passed, {grand['failed']} failed, {grand['skipped']} skipped")
    return 1 if grand["failed"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
