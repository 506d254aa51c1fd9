"""Lighthouse (mobile) on the pupil's pages: the home, the open demo poll and an open statement.

Runs the npm `lighthouse` of package.json with Debian's Chromium against a fresh demo server,
as a pupil who redeemed a code (their cookie sent with every request), and prints the four
scores of each page with every audit that cost points. Not part of `make test`: it measures.

    .venv/bin/python bench/lighthouse.py [--no-doc]

Exits 1 when a score is below 100.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from common import ROOT, demo_pupil, demo_server, find_items, machine, now_text, table, write_doc_section

LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CHROME = "/usr/bin/chromium"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --disable-background-networking " \
               "--disable-component-update --disable-sync --no-first-run"


def audit(url: str, cookie: str, out: Path) -> dict:
    """Lighthouse's JSON report of one page (mobile form factor, its default throttling)."""
    subprocess.run([LIGHTHOUSE, url, "--quiet", "--output=json", f"--output-path={out}",
                    f"--only-categories={','.join(CATEGORIES)}", f"--chrome-flags={CHROME_FLAGS}",
                    f"--extra-headers={json.dumps({'Cookie': cookie})}"],
                   env={**os.environ, "CHROME_PATH": CHROME}, check=True, capture_output=True, timeout=300)
    return json.loads(out.read_text())


def lost_points(result: dict) -> list[str]:
    """The audits that weigh in a category and did not pass."""
    lost = []
    for name in CATEGORIES:
        for ref in result["categories"][name]["auditRefs"]:
            found = result["audits"][ref["id"]]
            if ref.get("weight") and found.get("score") is not None and found["score"] < 1:
                lost.append(f"{name}: {found['title']} ({found.get('displayValue') or found['score']})")
    return lost


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-doc", action="store_true", help="do not update docs/performance.md")
    args = parser.parse_args()
    if not LIGHTHOUSE.exists():
        print("lighthouse is not installed: npm ci", file=sys.stderr)
        return 1
    rows, problems = [], []
    with demo_server() as (server, _), tempfile.TemporaryDirectory() as tmp:
        with demo_pupil(server) as client:
            paths = ["/overzicht", *find_items(client)]
            cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
        for path in paths:
            result = audit(server.url + path, cookie, Path(tmp) / "report.json")
            if result.get("finalDisplayedUrl", "").rstrip("/") != (server.url + path).rstrip("/"):
                raise RuntimeError(f"{path} ended on {result.get('finalDisplayedUrl')}: not the pupil's page")
            scores = [round(100 * (result["categories"][c]["score"] or 0)) for c in CATEGORIES]
            rows.append([path, *scores])
            problems += [f"{path}: {text}" for text in lost_points(result)]
    report = (f"Measured {now_text()} on {machine()}; Lighthouse {result['lighthouseVersion']}, mobile, "
              f"Chromium {result['environment']['hostUserAgent'].split('Chrome/')[-1].split()[0]}, as a pupil "
              f"with a redeemed demo code.\n\n{table(['page', *CATEGORIES], rows)}\n\n"
              + ("Audits below full marks (a category's score is rounded, so it can still be 100):\n\n"
                 + "\n".join(f"- {p}" for p in problems) if problems else "Every audit that counts passed."))
    print(report)
    if not args.no_doc:
        write_doc_section("lighthouse", report)
    return 0 if all(score == 100 for row in rows for score in row[1:]) else 1


if __name__ == "__main__":
    sys.exit(main())
