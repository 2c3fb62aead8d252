"""docs/security.md's ASVS table names tests that exist: a renamed or removed test breaks it."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "security.md"
REFERENCE = re.compile(r"^(?P<file>…|[\w/]+\.py)(?:::(?P<test>\w+))?$")


def referenced_tests() -> list[tuple[str, str | None]]:
    text = DOC.read_text(encoding="utf-8")
    table = text[text.index("## OWASP ASVS") : text.index("## Not met")]
    found: list[tuple[str, str | None]] = []
    current = ""
    for quoted in re.findall(r"`([^`]+)`", table):
        if (match := REFERENCE.match(quoted)) is None:
            continue
        # "…::name" continues the file named last in the same cell.
        current = current if match["file"] == "…" else match["file"]
        found.append((current, match["test"]))
    return found


def test_the_asvs_table_names_real_tests():
    references = referenced_tests()
    assert len(references) > 40
    missing = []
    for file, test in references:
        path = ROOT / "tests" / file
        if not path.is_file():
            missing.append(file)
        elif test and not re.search(rf"^def {test}\(", path.read_text(encoding="utf-8"), re.M):
            missing.append(f"{file}::{test}")
    assert missing == []
