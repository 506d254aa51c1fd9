"""A break on PostgreSQL: 500 pupils tap at the same moment, with 1, 2 and 4 uvicorn workers.

Each pupil (joined beforehand) opens the statement and votes, all 500 at once; meanwhile a
visitor keeps loading the start page. Every vote must be answered and counted.
"""

import asyncio
import time

import httpx

from harness import School, Server, database, joined, percentile, workdir


def burst(workers: int, pupils: int = 500) -> dict:
    with workdir() as tmp, database("postgresql", tmp) as url:
        school = School(url, tmp, pupils, 1)
        server = Server(school, workers=workers)
        item = school.statements[0]

        async def run() -> dict:
            crowd = await joined(server.url, school.codes)
            for p in crowd:  # they joined earlier; at the break each phone connects anew
                await p.new_connection()
            latencies, statuses, start_page, done = [], {}, [], asyncio.Event()

            async def tap(i: int, pupil) -> None:
                started = time.perf_counter()
                try:
                    page = await pupil.client.get(f"/stellingen/{item}")
                    vote = await pupil.vote(item, ("agree", "disagree", "pass")[i % 3])
                    code = vote.status_code if page.status_code == 200 else page.status_code
                except httpx.HTTPError as error:
                    code = type(error).__name__
                latencies.append(time.perf_counter() - started)
                statuses[code] = statuses.get(code, 0) + 1

            async def visitor() -> None:
                async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
                    while not done.is_set():
                        started = time.perf_counter()
                        ok = (await client.get("/")).status_code == 200
                        start_page.append((ok, time.perf_counter() - started))
                        await asyncio.sleep(0.2)

            watcher = asyncio.create_task(visitor())
            started = time.perf_counter()
            await asyncio.gather(*(tap(i, p) for i, p in enumerate(crowd)))
            seconds = time.perf_counter() - started
            done.set()
            await watcher
            for p in crowd:
                await p.close()
            return {"latencies": latencies, "statuses": statuses, "seconds": seconds, "start_page": start_page}

        try:
            result = asyncio.run(run())
        finally:
            server.stop()
        rows = school.counts(item)[2]
        school.close([item])  # every pending ballot counted
        counts = (*school.counts(item)[:2], rows)
    votes = result["statuses"].get(201, 0)
    lat = result["latencies"]
    visits = [t for ok, t in result["start_page"] if ok]
    ok = votes == pupils and counts == (pupils, pupils, pupils) and len(visits) == len(result["start_page"])
    line = (f"PostgreSQL burst, {workers} worker{'s' if workers > 1 else ''}: {votes}/{pupils} votes answered and "
            f"counted {counts[0]}, page + vote p50 {percentile(lat, 50):.2f} s, p99 {percentile(lat, 99):.2f} s, "
            f"max {max(lat):.2f} s, all in {result['seconds']:.1f} s; start page meanwhile "
            f"{len(visits)}/{len(result['start_page'])}, max {max(visits or [0]):.2f} s"
            + (f" (other answers: {others})" if (others := {k: v for k, v in result['statuses'].items() if k != 201})
               else ""))
    return {"ok": ok, "line": line, "workers": workers, "p50": percentile(lat, 50), "p99": percentile(lat, 99),
            "max": max(lat), "statuses": result["statuses"]}
