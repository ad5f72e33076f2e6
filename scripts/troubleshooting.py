#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Renders README.md's troubleshooting table from the catalogue of bad inputs.

usage: troubleshooting.py [--check]

The table (between the troubleshooting:begin and troubleshooting:end markers of README.md) has one
line for each catalogue row (tests/catalogue/bad_inputs.toml) that carries a `doc` sentence, sorted
by exit code: the code, the situation (the row's name) and the doc. Rows still marked `pending`
are left out: the README describes what the tools do now, and the line appears when the mark is
dropped. Without --check the README is rewritten; with --check nothing is written and the exit
status is 1 when the README's table differs from the catalogue's.
"""
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "tests/catalogue/bad_inputs.toml"
README = ROOT / "README.md"
BEGIN = "<!-- troubleshooting:begin -->"
END = "<!-- troubleshooting:end -->"


def cell(text):
    """Table cells cannot hold a raw '|' or a line break."""
    return " ".join(text.split()).replace("|", "\\|")


def table(rows):
    lines = [
        "| exit | situation | what it means, what to do |",
        "|---|---|---|",
    ]
    documented = [r for r in rows if r.get("doc") and not r.get("pending")]
    for row in sorted(documented, key=lambda r: r["exit"]):  # stable: catalogue order within a code
        lines.append(f"| {row['exit']} | {cell(row['name'])} | {cell(row['doc'])} |")
    return "\n".join(lines) + "\n"


def render(readme, rows):
    start, end = readme.find(BEGIN), readme.find(END)
    if start < 0 or end < start:
        raise SystemExit(f"{README.name}: no {BEGIN} ... {END} markers")
    return readme[:start + len(BEGIN)] + "\n" + table(rows) + readme[end:]


def main():
    check = sys.argv[1:] == ["--check"]
    if sys.argv[1:] and not check:
        raise SystemExit(__doc__.splitlines()[2])
    with open(CATALOGUE, "rb") as f:
        rows = tomllib.load(f)["row"]
    readme = README.read_text(encoding="utf-8")
    wanted = render(readme, rows)
    if check:
        if wanted != readme:
            print(f"{README.name}: the troubleshooting table is stale; run scripts/troubleshooting.py", file=sys.stderr)
            return 1
        print(f"{README.name}: the troubleshooting table matches {CATALOGUE.name}")
        return 0
    if wanted != readme:
        README.write_text(wanted, encoding="utf-8")
        print(f"{README.name}: troubleshooting table rewritten")
    return 0


if __name__ == "__main__":
    sys.exit(main())
