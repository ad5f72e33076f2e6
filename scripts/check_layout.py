#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks the layout rules (of the tree given as the first argument, default this one) of the shipped include root and prints its include graph.

1. The folders that contribute to <airlock/...> (crypto, formats, hwid, verifier) form a one-way
   graph: a header includes only headers of its own folder or of a folder below it in ORDER.
2. Nothing under hwid/ (headers or tool) includes a verifier header.
3. A `detail::NAME` is used only in the folder that defines NAME (tests and benchmarks, which
   exercise internals on purpose, are exempt).
Exit status 1 on any violation, with one line each.
"""
import re
import sys
from pathlib import Path

ROOT = Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent
ORDER = ["crypto", "formats", "hwid", "verifier"]  # each may include the ones before it
PRODUCT_FOLDERS = ORDER + ["cli", "generator", "keys"]
INCLUDE = re.compile(r'^\s*#\s*include\s+"(airlock/[^"]+)"', re.M)
USE = re.compile(r"\bdetail::(\w+)")


def owner(header):
    for folder in ORDER:
        if (ROOT / folder / "include" / header).is_file():
            return folder
    return None


def sources(folder):
    for path in sorted((ROOT / folder).rglob("*")):
        if path.suffix in (".hpp", ".cpp") and "single_include" not in path.parts:
            yield path


def mentions_unqualified(folder, name):
    """Definitions inside a detail namespace name the symbol without `detail::`; uses from another
    folder cannot."""
    pattern = re.compile(r"(?<!::)(?<!\w)" + re.escape(name) + r"\b")
    return any(pattern.search(path.read_text(encoding="utf-8")) for path in sources(folder))


def main():
    problems, edges = [], set()
    for folder in ORDER + ["hwid"]:
        for path in sources(folder):
            for header in INCLUDE.findall(path.read_text(encoding="utf-8")):
                target = owner(header)
                rel = path.relative_to(ROOT)
                if target is None:
                    problems.append(f"{rel}: includes {header}, which no folder of the include root holds")
                    continue
                if target != folder:
                    edges.add((folder, target))
                if ORDER.index(target) > ORDER.index(folder):
                    problems.append(f"{rel}: includes {header} of {target}/, above {folder}/ in {' <- '.join(ORDER)}")
    for folder in PRODUCT_FOLDERS:
        for path in sources(folder):
            for name in sorted(set(USE.findall(path.read_text(encoding="utf-8")))):
                if not mentions_unqualified(folder, name):
                    others = [f for f in PRODUCT_FOLDERS if mentions_unqualified(f, name)]
                    problems.append(f"{path.relative_to(ROOT)}: uses detail::{name} of {', '.join(others) or '?'}")
    print("include graph of <airlock/...>:")
    for folder in ORDER:
        below = sorted((t for f, t in edges if f == folder), key=ORDER.index)
        print(f"  {folder}/ -> {', '.join(t + '/' for t in below) or '(standard library only)'}")
    for line in problems:
        print(f"layout: {line}", file=sys.stderr)
    print(f"layout: {len(problems)} problem(s)", file=sys.stderr if problems else sys.stdout)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
