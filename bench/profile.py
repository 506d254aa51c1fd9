"""Where the server's time goes: a summary of py-spy's collapsed stacks (`bench/break.py --profile DIR`).

py-spy leaves idle threads out, so every sample is a thread doing work (or holding the GIL in
a C call). A function's inclusive share counts each sample whose stack passes through it once;
its own share counts the samples where it is on top.

    .venv/bin/python bench/profile.py DIR/app_main.txt [--top 30] [--grep PATTERN]
"""

import argparse
import re
from collections import Counter
from pathlib import Path

LINE = re.compile(r"^(.*) (\d+)$")
FRAME = re.compile(r"^(.*?) \((.*?)(?::\d+)?\)$")

# Named groups of the table in docs/performance.md: (label, pattern on "function (file)").
GROUPS = [
    ("thread-pool hops (anyio worker handoff, waking the loop)", r"run_sync_in_worker_thread|_write_to_self|"
     r"call_soon_threadsafe|Condition\.notify|notify \(threading|worker_thread|to_thread|run_in_threadpool"),
    ("argon2id at join (anonymity.derive)", r"^derive \(app/services/anonymity"),
    ("FastAPI solve_dependencies", r"^solve_dependencies "),
    ("FastAPI request body / form parsing", r"^_extract_form_body|^request_body_to_args|parse_form|^form "),
    ("SQLAlchemy: executing statements", r"^_execute_internal |^execute \(sqlalchemy/engine"),
    ("SQLAlchemy ORM row loading", r"^instances \(sqlalchemy/orm/loading"),
    ("sqlite3 / psycopg driver calls", r"^do_execute |^do_commit|^do_rollback"),
    ("Jinja2 rendering", r"^render \(jinja2"),
    ("GZip compression", r"^_compress_body |^compress \(gzip|^flush \(gzip"),
    ("HTTP protocol (parsing, writing)", r"^(send|data_received|on_\w+|handle_events) \(uvicorn/protocols/http"),
    ("pupil cookie + code check (optional_participant)", r"^optional_participant "),
    ("school lookup (current_school)", r"^current_school "),
    ("closing what is due (close_due)", r"^close_due "),
    ("CSRF check", r"^csrf_protect "),
]


# Each sample goes to the layer of its innermost frame that belongs to one (top of the stack first).
LAYERS = [
    ("argon2id", r"\(argon2/"),
    ("sealing, pseudonyms (AES-GCM, HMAC)", r"\(cryptography/|\(hmac\.py|\(app/services/anonymity\.py"),
    ("SQLAlchemy + sqlite3/psycopg", r"\(sqlalchemy/|\(sqlmodel/|\(psycopg/"),
    ("Jinja2 templates", r"\(jinja2/|\(markupsafe/|\.html\)"),
    ("gzip", r"\(gzip\.py|_compress_body|send_with_compression"),
    ("FastAPI (routing, dependencies, parameters)", r"\(fastapi/|\(pydantic"),
    ("Starlette (requests, responses, middleware base)", r"\(starlette/|\(multipart/|\(python_multipart/"),
    ("HTTP server (uvicorn, h11, httptools)", r"\(uvicorn/|\(h11/|\(httptools"),
    ("thread pool (anyio, threading, queue)", r"\(anyio/|\(threading\.py|\(queue\.py|\(concurrent/"),
    ("the app's own code", r"\(app/"),
    ("event loop, other", r"."),
]


def layers(stacks: list[tuple[list[str], int]]) -> dict[str, int]:
    found = {label: 0 for label, _ in LAYERS}
    for stack, n in stacks:
        for frame in reversed(stack):
            label = next((label for label, pattern in LAYERS if re.search(pattern, frame)), None)
            if label and label != "event loop, other":
                found[label] += n
                break
        else:
            found["event loop, other"] += n
    return found


def frames(stack: str) -> list[str]:
    out = []
    for raw in stack.split(";"):
        m = FRAME.match(raw)
        name, where = (m.group(1), m.group(2)) if m else (raw, "")
        where = re.sub(r".*/site-packages/", "", where)
        out.append(f"{name} ({where})")
    return out


def load(path: Path) -> list[tuple[list[str], int]]:
    stacks = []
    for line in path.read_text().splitlines():
        m = LINE.match(line)
        if m:
            stacks.append((frames(m.group(1)), int(m.group(2))))
    return stacks


def summary(stacks: list[tuple[list[str], int]]) -> tuple[int, Counter, Counter, dict[str, int]]:
    total, inclusive, own = 0, Counter(), Counter()
    groups = {label: 0 for label, _ in GROUPS}
    for stack, n in stacks:
        total += n
        for f in set(stack):
            inclusive[f] += n
        own[stack[-1]] += n
        for label, pattern in GROUPS:
            if any(re.search(pattern, f) for f in stack):
                groups[label] += n
    return total, inclusive, own, groups


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--top", type=int, default=30)
    args = parser.parse_args()
    stacks = load(args.file)
    total, inclusive, own, groups = summary(stacks)
    print(f"{total} busy samples\n\n| layer (own time) | share |\n|---|---|")
    for label, n in layers(stacks).items():
        print(f"| {label} | {100 * n / total:.1f} % |")
    print("\n| cost | inclusive share |\n|---|---|")
    for label, n in groups.items():
        print(f"| {label} | {100 * n / total:.1f} % |")
    print("\ntop functions, inclusive:")
    for f, n in inclusive.most_common(args.top):
        print(f"{100 * n / total:5.1f} %  {f}")
    print("\ntop functions, own:")
    for f, n in own.most_common(args.top):
        print(f"{100 * n / total:5.1f} %  {f}")


if __name__ == "__main__":
    main()
