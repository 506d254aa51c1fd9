"""Aggregate request metrics for operators, instead of a per-request log line.

A log line per request would date every pupil action (join, first vote) to the millisecond.
Counters and latency histograms per route template say how the service is doing and nothing
about any one pupil. With several worker processes, set PROMETHEUS_MULTIPROC_DIR.
"""

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest

REGISTRY = CollectorRegistry(auto_describe=True)
REQUESTS = Counter("inspraak_requests", "Requests answered, per route template and status class",
                   ["method", "route", "status"], registry=REGISTRY)
LATENCY = Histogram("inspraak_request_seconds", "Time to answer, per route template", ["route"],
                    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5), registry=REGISTRY)
# Probes are asked every few seconds by load balancers: counting them would only add noise.
UNCOUNTED = {"/healthz", "/readyz", "/metrics", "/api/v1/healthz"}


def observe(method: str, route: str, status: int, seconds: float) -> None:
    if route in UNCOUNTED:
        return
    REQUESTS.labels(method, route, f"{status // 100}xx").inc()
    LATENCY.labels(route).observe(seconds)


def exposition() -> tuple[bytes, str]:
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
