"""The total of every pytest run of .ci/run, from their JUnit reports.

Prints one line per run, then the plain total CI ends with:
``tests: N passed, M failed``. A run cut short writes no report; its tests
count as not run (and CI has failed anyway)."""

import sys
import xml.etree.ElementTree as ET
from pathlib import Path

passed = failed = 0
for report in sorted(Path(sys.argv[1]).glob("*.xml")):
    # Our own pytest's reports, not untrusted input.
    for suite in ET.parse(report).getroot().iter("testsuite"):  # noqa: S314
        tests, skipped = int(suite.get("tests", 0)), int(suite.get("skipped", 0))
        bad = int(suite.get("failures", 0)) + int(suite.get("errors", 0))
        passed += tests - skipped - bad
        failed += bad
        sys.stdout.write(
            f"{report.stem}: {tests - skipped - bad} passed, {bad} failed, {skipped} skipped\n"
        )
sys.stdout.write(f"tests: {passed} passed, {failed} failed\n")
