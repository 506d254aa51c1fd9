"""Page weight of the pupil's vote pages (DESIGN.md budgets), measured in headless Chromium.

First visit: the page with an empty cache, plus every CSS/JS/image it loads. Repeat visit: the
same page again; static files are `immutable`, so only the HTML travels. Bytes are what goes
over the wire (gzip) plus response headers. A plain httpx count cross-checks the browser.

    .venv/bin/python bench/page_weight.py [--no-doc]

Exits 1 when a budget is exceeded.
"""

import argparse
import re
import sys
from urllib.parse import urljoin

import httpx
from playwright.sync_api import sync_playwright

from common import demo_server, machine, now_text, table, write_doc_section, KEY

BUDGET_FIRST, BUDGET_HTML_CSS, BUDGET_REPEAT = 30_000, 14_000, 8_000  # bytes (1 KB = 1000 B)
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
LINKED = re.compile(r'<(?:link[^>]+rel="stylesheet"[^>]+href|script[^>]+src|img[^>]+src)="([^"]+)"')


def wire_size(response: httpx.Response) -> tuple[int, int]:
    """(compressed body bytes, header bytes) of an httpx response, as on the wire in HTTP/1.1."""
    head = len(f"HTTP/1.1 {response.status_code} {response.reason_phrase}\r\n") + 2
    head += sum(len(k) + len(v) + 4 for k, v in response.headers.raw)
    return response.num_bytes_downloaded, head


def browser_visit(page, url: str) -> list[dict]:
    """Navigate and return, per response, its type and the bytes it cost."""
    seen: list[dict] = []

    def finished(request):
        sizes = request.sizes()
        seen.append({"url": request.url, "type": request.resource_type,
                     "body": sizes["responseBodySize"], "headers": sizes["responseHeadersSize"]})

    page.on("requestfinished", finished)
    page.goto(url, wait_until="networkidle")
    page.remove_listener("requestfinished", finished)
    return seen


def measure_browser(base: str, cookie: tuple[str, str], paths: list[str]) -> dict[str, dict]:
    out = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for path in paths:
            # A fresh context per page: an empty cache, as a phone that never saw Inspraak.
            context = browser.new_context(base_url=base, viewport={"width": 390, "height": 844})
            context.add_cookies([{"name": cookie[0], "value": cookie[1], "url": base}])
            page = context.new_page()
            first = browser_visit(page, base + path)
            repeat = browser_visit(page, base + path)
            context.close()
            out[path] = {
                "first": sum(r["body"] + r["headers"] for r in first),
                "html_css": sum(r["body"] + r["headers"] for r in first if r["type"] in ("document", "stylesheet")),
                "repeat": sum(r["body"] + r["headers"] for r in repeat),
                "first_items": first, "repeat_items": repeat,
            }
        browser.close()
    return out


def measure_httpx(client: httpx.Client, path: str) -> dict:
    """The same count without a browser: the HTML, then each file it links to."""
    page = client.get(path)
    body, head = wire_size(page)
    first, html_css = body + head, body + head
    for href in LINKED.findall(page.text):
        linked = client.get(urljoin(str(page.url), href))
        assert "immutable" in linked.headers.get("cache-control", ""), href
        size = sum(wire_size(linked))
        first += size
        if href.endswith(".css"):
            html_css += size
    return {"first": first, "html_css": html_css, "repeat": body + head}


def find_items(client: httpx.Client) -> list[str]:
    """The open demo poll (the late-arrival rule) and one open statement, via the pupil API."""
    polls = client.get("/api/v1/polls").json()
    poll = next(p for p in polls if "te laat" in p["question"])
    statement = client.get("/api/v1/statements").json()[0]
    return [f"/peilingen/{poll['id']}", f"/stellingen/{statement['id']}"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-doc", action="store_true", help="do not update docs/performance.md")
    args = parser.parse_args()
    from app.demo.school import demo_codes
    from app.web import PUPIL_COOKIE

    with demo_server() as (server, _):
        with httpx.Client(base_url=server.url, headers={"accept-encoding": "gzip"}) as client:
            code = demo_codes(group="3A", codes_file=server.var_dir / "demo_codes.json")[0]
            # The slip's QR code asks before the code becomes this phone's; its form carries the token.
            asked = client.get(f"/c/{code}").text
            token = re.search(r'name="csrf_token" value="([^"]+)"', asked).group(1)
            joined = client.post("/aanmelden", data={"code": code, "csrf_token": token}, follow_redirects=False)
            assert joined.status_code == 303, joined.status_code
            paths = find_items(client)
            plain = {path: measure_httpx(client, path) for path in paths}
            favicon = sum(wire_size(client.get("/favicon.ico")))
            cookie = (PUPIL_COOKIE, client.cookies[PUPIL_COOKIE])
        browser = measure_browser(server.url, cookie, paths)

    rows, over = [], []
    for path in paths:
        b, h = browser[path], plain[path]
        for key, budget in (("first", BUDGET_FIRST), ("html_css", BUDGET_HTML_CSS), ("repeat", BUDGET_REPEAT)):
            if b[key] > budget or h[key] > budget:
                over.append(f"{path} {key}: {max(b[key], h[key])} B > {budget} B")
        rows.append([path, f"{b['first']} ({h['first']})", f"{b['html_css']} ({h['html_css']})",
                     f"{b['repeat']} ({h['repeat']})"])
    rows.append(["budget", BUDGET_FIRST, BUDGET_HTML_CSS, BUDGET_REPEAT])
    result = table(["page", "first visit, B", "HTML + CSS, B", "repeat visit, B"], rows)
    again = {i["url"]: i["body"] + i["headers"] for i in browser[paths[0]]["repeat_items"]}
    detail = table(["file of " + paths[0], "type", "first visit: body B (gzip)", "headers B", "repeat visit B"],
                   [[i["url"].removeprefix(server.url), i["type"], i["body"], i["headers"], again.get(i["url"], "cache")]
                    for i in sorted(browser[paths[0]]["first_items"], key=lambda i: i["type"] != "document")])
    report = (f"Measured {now_text()} on {machine()}.\n\n"
              "Chromium (httpx cross-check in brackets): compressed bodies plus response headers.\n\n"
              f"{result}\n\n{detail}\n\n"
              f"Not counted above: a browser may also ask for /favicon.ico (404 page, {favicon} B).\n\n"
              + ("**Over budget:** " + "; ".join(over) if over else "All page-weight budgets met."))
    print(report)
    if not args.no_doc:
        write_doc_section("page-weight", report)
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
