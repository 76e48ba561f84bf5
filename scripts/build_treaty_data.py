"""Rebuild the shipped treaty participation and declaration files from the UN data.

Reads ``rogatory/treaties/data/untc/`` (the UN Treaty Collection lists and later actions, see
its SOURCES.md) and writes ``participation.csv``, ``organizations.csv``, ``declarations.csv``
and ``untc/resolutions.csv`` under ``rogatory/treaties/data/``. Deterministic; ``--check``
exits with status 1 when a file would change (for CI).

Run from the repository root::

    .venv/bin/python scripts/build_treaty_data.py [--check]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rogatory.treaties.build import build_files


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report files that differ")
    args = parser.parse_args()
    stale = []
    for path, content in build_files().items():
        current = path.read_text("utf-8") if path.exists() else None
        if current == content:
            continue
        stale.append(path)
        if not args.check:
            path.write_text(content, "utf-8")
    for path in stale:
        print(("differs: " if args.check else "wrote: ") + str(path))
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    raise SystemExit(main())
