"""Verify an evidence bundle from the command line: ``python -m rogatory.exchange.verify B.zip``.

Imports no Django, so it runs on any machine with the three cryptography packages.
"""

from __future__ import annotations

import argparse
import sys

from .bundle import verify_bundle


def main(argv: list[str]) -> int:
    """Print the checks and fingerprints of a bundle; return 0 when it verifies."""
    parser = argparse.ArgumentParser(
        prog="python -m rogatory.exchange.verify",
        description="Verify a REX-1 evidence bundle offline.",
    )
    parser.add_argument("bundle", help="path of the evidence bundle (.zip)")
    args = parser.parse_args(argv)
    result = verify_bundle(args.bundle)
    for line in result.lines:
        print(line)
    if result.fingerprints:
        print("Key fingerprints (confirm them with each node's operator by telephone):")
        for node, prints in sorted(result.fingerprints.items()):
            print(f"  {node}: {', '.join(prints)}")
    if result.ok:
        print("bundle: verified")
        return 0
    print(f"bundle: NOT verified ({result.reason})")
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
