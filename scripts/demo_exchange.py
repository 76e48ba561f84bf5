"""`make demo-exchange`: two fresh nodes on loopback (France's and Kenya's demo central
authorities, each on its own node with its own database), a request with a 50 MB annex sent
from one to the other, the conversation played to execution, every evidence bundle verified
with the offline command, both audit chains verified. Exits 0 only if all verified; the last
line starts with "exchange demo:".
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rogatory.exchange.loopback import make_pair  # noqa: E402


def verify_bundles(paths: list[str]) -> list[str]:
    """Run the documented offline command on each bundle, without any node's settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    failures = []
    for path in paths:
        result = subprocess.run(  # noqa: S603
            [sys.executable, "-m", "rogatory.exchange.verify", path],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        last = (result.stdout.strip().splitlines() or ["(no output)"])[-1]
        if result.returncode != 0:
            failures.append(f"{Path(path).name}: {last}")
    return failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--attachment-mb", type=float, default=50.0)
    parser.add_argument("--keep", action="store_true", help="keep the nodes' folders")
    parser.add_argument(
        "--postgres", metavar="URL", help="put both nodes' databases on this PostgreSQL server"
    )
    options = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="rogatory-exchange-demo-"))
    started = time.monotonic()
    problems: list[str] = []
    bundles: list[str] = []
    try:
        print(f"==> Two nodes in {base}", flush=True)
        with make_pair(base, postgres_url=options.postgres) as (a, b):
            print(f"    node A {a.node_id} at {a.endpoint} (fr-bepi)", flush=True)
            print(f"    node B {b.node_id} at {b.endpoint} (ke-odpp)", flush=True)
            print(f"==> The conversation, with a {options.attachment_mb:g} MB annex", flush=True)
            requested = b.start_play("requested", "--bundles", str(base / "bundles-b"))
            requester = a.start_play(
                "requester",
                "--attachment-mb",
                str(options.attachment_mb),
                "--bundles",
                str(base / "bundles-a"),
            )
            reports = {"A": a.finish_play(requester), "B": b.finish_play(requested)}
            for side, report in reports.items():
                print(f"    node {side}: case {report['case']} is {report['case_status']}")
                for message in report["messages"]:
                    print(
                        f"      {message['direction']:<8} {message['action']:<17} "
                        f"{message['state']:<9} {' > '.join(message['evidences'])}"
                    )
                    bundles.append(message["bundle"])
                    if message["direction"] == "outbound" and message["state"] != "retrieved":
                        problems.append(f"{side}: {message['action']} is {message['state']}")
                if not report["audit_ok"]:
                    problems.append(f"{side}: audit chain does not verify")
            if reports["A"]["case_status"] != "executed":
                problems.append("A's request is not executed")
            print("==> Audit chains (manage.py verify_audit)", flush=True)
            for node in (a, b):
                try:
                    result = node.manage("verify_audit").strip().splitlines()
                    print(f"    {node.node_id}: {result[-1] if result else 'verified'}")
                except RuntimeError as error:
                    problems.append(f"{node.node_id}: {str(error)[-300:]}")
        print(f"==> Verifying {len(bundles)} evidence bundles offline", flush=True)
        problems += verify_bundles(bundles)
    except Exception as error:  # the demo reports, whatever went wrong
        problems.append(f"{type(error).__name__}: {str(error)[-2000:]}")
    finally:
        if not options.keep:
            import shutil

            shutil.rmtree(base, ignore_errors=True)
    seconds = time.monotonic() - started
    if problems:
        for problem in problems:
            print(f"    problem: {problem}")
        print(f"exchange demo: NOT verified ({len(problems)} problems, {seconds:.0f} s)")
        return 1
    print(f"exchange demo: verified ({len(bundles)} evidence bundles, {seconds:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
