"""The break simulation of DESIGN.md: many pupils, one break, one poll; SQLite and one uvicorn
process, or PostgreSQL with one or more worker processes.

Each pupil opens the start page, types a code, sees their home, opens the late-arrival poll,
votes (as HTMX does) and sees the results (bench/loadgen.py, in its own process). Two phases:
capacity (no pause between taps: breaks per second, then the vote step alone) and break pace
(a pause between taps, as on a phone: the latency budget). The same load then runs against
bench/bare_app.py, a bare Starlette app doing the same database work; our capacity is given as
a share of it. Memory is the server's peak RSS after the run.

    .venv/bin/python bench/break.py [--pupils 600] [--break-pupils 300] [--concurrency 50] [--no-doc]
    .venv/bin/python bench/break.py --db postgresql --workers 1 2 4

Exits 1 when a budget is missed (break pace p99 < 100 ms, capacity >= 80 % of bare, peak RSS
<= 120 MB per worker) or a vote got lost. Each run makes its own database (a temporary SQLite
file, or a PostgreSQL database it creates and drops).
"""

import argparse
import json
import random
import signal
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.exc import OperationalError

from common import (BIN, KEY, PG_SERVER, ROOT, demo_server, load_average, machine, now_text, percentile, table,
                    write_doc_section)

P99_MS, SHARE_OF_BARE, MEMORY_MB = 100, 0.80, 120  # MB = 10**6 bytes
CLASSES = ("3A", "3B", "4A", "4B", "5A")
STEPS = ["start", "join", "home", "poll", "vote", "results"]
HERE = Path(__file__).resolve().parent


def add_pupils(count: int):
    """`before_start` for demo_server: `count` new codes over the demo classes, kept in memory."""
    def before_start(env: dict, _var_dir: Path) -> dict:
        from sqlmodel import Session, select

        from app.db import make_engine
        from app.models import Poll, PollOption
        from app.services.access import create_codes
        from app.services.school import find_group, get_school

        engine = make_engine(env["INSPRAAK_DATABASE_URL"])
        codes: list[str] = []
        with Session(engine) as session:
            school = get_school(session)
            for i, name in enumerate(CLASSES):
                n = count // len(CLASSES) + (i < count % len(CLASSES))
                codes += create_codes(session, KEY, find_group(session, school.id, name), n)[1]
            poll_id = session.exec(select(Poll.id).where(Poll.question.contains("te laat"))).one()
            options = list(session.exec(select(PollOption.id).where(PollOption.poll_id == poll_id)
                                        .order_by(PollOption.position)))
            session.commit()
        engine.dispose()
        random.Random(102).shuffle(codes)  # classes mixed, as at a real break
        return {"codes": codes, "poll_id": poll_id, "option_ids": options, "db": env["INSPRAAK_DATABASE_URL"]}

    return before_start


def votes_stored(db_url: str, poll_id: int) -> tuple[int, int]:
    """(has-voted rows, participants in the tallies plus first votes in pending ballots) of the
    poll: every completed vote must be in both, counted or still waiting for k of its group."""
    from sqlalchemy import func
    from sqlmodel import Session, select

    from app.db import make_engine
    from app.models import HasVoted, PendingBallot, VoteTally
    from app.services import anonymity

    engine = make_engine(db_url)
    key = anonymity.ballot_key(KEY)
    with Session(engine) as session:
        rows = session.exec(select(func.count()).select_from(HasVoted).where(
            HasVoted.item_kind == "poll", HasVoted.item_id == poll_id)).one()
        voters = session.exec(select(func.coalesce(func.sum(VoteTally.count), 0)).where(
            VoteTally.item_kind == "poll", VoteTally.item_id == poll_id, VoteTally.answer == "*")).one()
        for sealed in session.exec(select(PendingBallot.sealed).where(
                PendingBallot.item_kind == "poll", PendingBallot.item_id == poll_id)):
            voters += anonymity.unseal_ballot(key, "poll", poll_id, sealed)["d"].get("*", 0)
    engine.dispose()
    return rows, voters


@contextmanager
def profiled(pid: int, out_dir: Path | None, target: str):
    """py-spy samples the server while the load runs (collapsed stacks, for bench/profile.py)."""
    if out_dir is None:
        yield
        return
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / f"{target.split(':')[0].replace('.', '_')}.txt"
    spy = subprocess.Popen([BIN / "py-spy", "record", "-p", str(pid), "--format", "raw", "-r", "100",
                            "--nonblocking", "--subprocesses", "-o", str(out)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield
    finally:
        spy.send_signal(signal.SIGINT)  # py-spy writes its file on SIGINT
        spy.wait(60)


def run(target: str, app_dir: Path, args, workers: int) -> dict:
    """One server, fresh database, all phases of the load; the load generator's figures plus memory."""
    sizes = {"warmup": args.warmup, "capacity": args.pupils, "break": args.break_pupils}
    with demo_server(target, app_dir, before_start=add_pupils(sum(sizes.values())), db=args.db,
                     workers=workers) as (server, setup):
        before = votes_stored(setup["db"], setup["poll_id"])
        codes, config = iter(setup["codes"]), {}
        for phase, n in sizes.items():
            config[phase] = [next(codes) for _ in range(n)]
        config.update(url=server.url, server_pid=server.proc.pid, think=args.think, poll_id=setup["poll_id"],
                      option_ids=setup["option_ids"], concurrency=args.concurrency, time_limit=args.time_limit)
        with tempfile.NamedTemporaryFile("w", suffix=".json") as f, profiled(server.proc.pid, args.profile, target):
            json.dump(config, f)
            f.flush()
            done = subprocess.run([BIN / "python", HERE / "loadgen.py", f.name], cwd=ROOT, check=True,
                                  capture_output=True, text=True, timeout=args.time_limit + 60)
        result = json.loads(done.stdout)
        result["memory"] = server.status("VmRSS", "VmHWM")
        try:
            after = votes_stored(setup["db"], setup["poll_id"])
            result["stored"] = [a - b for a, b in zip(after, before)]
        except OperationalError as exc:  # the server still holds the write lock, 30 s after the load
            result["stored"] = [f"not readable: {exc.orig}"] * 2
    return result


def step_rows(server: str, phase: dict, steps: list[str]) -> list[list]:
    """Per step, and for all break requests together: n, percentiles, max, errors."""
    lat, errors = phase.get("latency", {}), phase.get("errors", {})
    groups = [(s, lat.get(s, []), errors.get(s, 0)) for s in steps]
    if len(steps) > 1:
        groups.append(("all requests", [ms for s in steps for ms in lat.get(s, [])], sum(errors.get(s, 0) for s in steps)))
    return [[server, label, len(values), *(f"{percentile(values, p):.1f}" for p in (50, 95, 99)),
             f"{max(values, default=0):.1f}", n_errors] for label, values, n_errors in groups]


def figures(r: dict) -> dict:
    """The headline numbers of one server."""
    cap, pace = r.get("capacity", {}), r.get("break", {})
    every = [ms for s in STEPS for ms in pace.get("latency", {}).get(s, [])]
    seconds = cap.get("seconds") or float("inf")
    return {
        "p99": percentile(every, 99), "vote_p99": percentile(pace.get("latency", {}).get("vote", []), 99),
        "breaks_s": cap.get("done", 0) / seconds,
        "req_s": sum(len(cap.get("latency", {}).get(s, [])) for s in STEPS) / seconds,
        "votes_s": r.get("revote", {}).get("done", 0) / (r.get("revote", {}).get("seconds") or float("inf")),
        "server_cpu": 100 * cap.get("server_cpu", 0) / seconds, "client_cpu": 100 * cap.get("client_cpu", 0) / seconds,
        "cpu_ms": 1000 * cap.get("server_cpu", 0) / cap["done"] if cap.get("done") else float("inf"),
        "rss_mb": r["memory"]["VmRSS"] * 1024 / 1e6, "hwm_mb": r["memory"]["VmHWM"] * 1024 / 1e6,
        "done": [r.get(p, {}).get("done", 0) for p in ("capacity", "revote", "break")],
        "errors": sum(sum(r.get(p, {}).get("errors", {}).values()) for p in ("capacity", "revote", "break")),
        "timed_out": r["timed_out"], "stored": r["stored"],
    }


CITY_PUPILS, CITY_MINUTES = 75_000, 5  # secondary pupils of a city; all of them in the first minutes of a break


def report(args, workers: int, raw: dict, load: tuple[list[str], list[str]]) -> tuple[str, list[tuple[str, bool]], dict]:
    """The tables and budget checks of one configuration (database, workers)."""
    fig = {name: figures(r) for name, r in raw.items()}
    app, base = fig["Inspraak"], fig["bare Starlette"]
    share = app["breaks_s"] / base["breaks_s"] if base["breaks_s"] else 0.0
    header = ["server", "step", "n", "p50 ms", "p95 ms", "p99 ms", "max ms", "errors"]
    paced = table(header, [row for name, r in raw.items() for row in step_rows(name, r.get("break", {}), STEPS)])
    flat_out = table(header, [row for name, r in raw.items() for row in
                              step_rows(name, r.get("capacity", {}), STEPS) + step_rows(name, r.get("revote", {}), ["revote"])])
    totals = table(["server", "breaks/s", "requests/s", "votes/s (revote)", "server CPU", "server CPU per break",
                    "load generator CPU", "RSS after, MB", "peak RSS, MB"],
                   [[name, f"{f['breaks_s']:.1f}", f"{f['req_s']:.0f}", f"{f['votes_s']:.0f}", f"{f['server_cpu']:.0f} %",
                     f"{f['cpu_ms']:.1f} ms", f"{f['client_cpu']:.0f} %", f"{f['rss_mb']:.0f}", f"{f['hwm_mb']:.0f}"]
                    for name, f in fig.items()])
    checks = [
        (f"break pace: p99 of all requests {app['p99']:.1f} ms < {P99_MS} ms", app["p99"] < P99_MS),
        (f"break pace: p99 of the vote {app['vote_p99']:.1f} ms < {P99_MS} ms", app["vote_p99"] < P99_MS),
        (f"capacity: {app['breaks_s']:.1f} breaks/s = {100 * share:.0f} % of bare ({base['breaks_s']:.1f}), "
         f"needs >= {100 * SHARE_OF_BARE:.0f} %", share >= SHARE_OF_BARE),
        (f"memory: peak RSS {app['hwm_mb']:.0f} MB per worker <= {MEMORY_MB} MB", app["hwm_mb"] <= MEMORY_MB),
    ]
    for name, f in fig.items():
        expected = args.warmup + f["done"][0] + f["done"][2]
        complete = f["done"] == [args.pupils, args.pupils, args.break_pupils] and not f["errors"] and not f["timed_out"]
        checks.append((f"{name}: every pupil done (breaks {f['done'][0]} + {f['done'][2]}, revotes {f['done'][1]}, "
                       f"errors {f['errors']}{', TIMED OUT' if f['timed_out'] else ''}); each vote stored once "
                       f"(has-voted +{f['stored'][0]}, tallies + pending +{f['stored'][1]}, expected +{expected})",
                       complete and f["stored"] == [expected, expected]))
    where = "SQLite (WAL)" if args.db == "sqlite" else "PostgreSQL (127.0.0.1)"
    text = (f"#### {where}, {workers} worker{'s' if workers > 1 else ''}\n\n"
            f"Load average {' '.join(load[0])} before, {' '.join(load[1])} after.\n\n"
            f"**Break pace** ({args.break_pupils} pupils, {args.think[0]}–{args.think[1]} s between taps):\n\n{paced}\n\n"
            f"**Capacity** ({args.pupils} pupils, no pause between taps, after {args.warmup} warm-up pupils; "
            f"then each changes their vote once):\n\n{flat_out}\n\n{totals}\n\n"
            + "\n".join(f"- {'ok' if ok else '**MISSED**'}: {text}" for text, ok in checks))
    summary = {"db": where, "workers": workers, "cpu_ms": app["cpu_ms"], "bare_cpu_ms": base["cpu_ms"],
               "share": share, "breaks_s": app["breaks_s"], "p99": app["p99"], "hwm_mb": app["hwm_mb"],
               "load": load[0][0]}
    return text, checks, summary


def summary_table(rows: list[dict]) -> str:
    out = table(["database", "workers", "server CPU per break", "bare, same run", "share of bare (breaks/s)",
                 "breaks/s", "p99 at break pace", "peak RSS per worker", "load average before",
                 f"city break: core-minutes ({CITY_PUPILS:,} pupils)", f"cores for it in {CITY_MINUTES} min"],
                [[r["db"], r["workers"], f"{r['cpu_ms']:.1f} ms", f"{r['bare_cpu_ms']:.1f} ms", f"{100 * r['share']:.0f} %",
                  f"{r['breaks_s']:.1f}", f"{r['p99']:.0f} ms", f"{r['hwm_mb']:.0f} MB", r["load"],
                  f"{CITY_PUPILS * r['cpu_ms'] / 60_000:.0f}", f"{CITY_PUPILS * r['cpu_ms'] / 60_000 / CITY_MINUTES:.1f}"]
                 for r in rows])
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pupils", type=int, default=600, help="pupils in the capacity phase")
    parser.add_argument("--break-pupils", type=int, default=300, help="pupils in the break-pace phase")
    parser.add_argument("--concurrency", type=int, default=50, help="pupils busy at the same time")
    parser.add_argument("--think", type=float, nargs=2, default=[0.5, 1.5], metavar=("LOW", "HIGH"),
                        help="seconds between two taps of a pupil, break-pace phase")
    parser.add_argument("--warmup", type=int, default=20, help="extra pupils first, not measured")
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite",
                        help="SQLite in a temporary folder, or a database of its own on " + PG_SERVER)
    parser.add_argument("--workers", type=int, nargs="+", default=[1],
                        help="uvicorn worker processes; several values run one after the other")
    parser.add_argument("--time-limit", type=int, default=600, help="seconds, for each server")
    parser.add_argument("--profile", type=Path, metavar="DIR",
                        help="sample each server with py-spy during the load; collapsed stacks into DIR")
    parser.add_argument("--no-doc", action="store_true", help="do not update docs/performance.md")
    args = parser.parse_args()

    where = machine()
    texts, checks, rows = [], [], []
    for workers in args.workers:
        before = load_average()
        raw = {"Inspraak": run("app.main:create_app", ROOT, args, workers),
               "bare Starlette": run("bare_app:create_app", HERE, args, workers)}
        text, more, row = report(args, workers, raw, (before, load_average()))
        for name, r in raw.items():
            for phase in ("capacity", "revote", "break"):
                for sample in r.get(phase, {}).get("samples", []):
                    print(f"{name}, {workers} worker(s), {phase}: {sample}", file=sys.stderr)
        print(text + "\n", flush=True)
        texts.append(text)
        checks += more
        rows.append(row)
    summary = summary_table(rows)
    body = (f"Measured {now_text()} on {where}. {args.concurrency} pupils busy at once; latency as the load "
            f"generator sees it. Server: uvicorn as `inspraak serve` runs it (uvloop, h11 with a read deadline).\n\n"
            f"{summary}\n\n"
            "CPU per break is the server's process CPU time (all workers) over the capacity phase, divided by the "
            "breaks done: on a busy machine breaks/s say more about the neighbours than about us; CPU time "
            "per break much less so. A city break: every pupil's break, in core-minutes; and the cores busy "
            f"if they all come within {CITY_MINUTES} minutes.\n\n" + "\n\n".join(texts)
            + "\n\nReproduce: `make bench` (or `.venv/bin/python bench/break.py`, `--help` for sizes).")
    print(summary)
    for line in (f"- {'ok' if ok else 'MISSED'}: {text}" for text, ok in checks):
        print(line)
    if not args.no_doc:
        write_doc_section("break" if args.db == "sqlite" else f"break-{args.db}", body)
    return 0 if all(ok for _text, ok in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
