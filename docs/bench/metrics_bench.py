#!/usr/bin/env python3
"""Benchmark of the metrics API (issue 3), standard library only.

    python3 docs/bench/metrics_bench.py --url http://127.0.0.1:8080 \
        --user bench --password ... --pid $(pgrep -f 'chatledger.*serve') \
        [--runs 5] [--pg-results DIR] [--concurrency 20]

1. Times the three benchmark queries of the shared PostgreSQL baseline over
   HTTP (30 days grouped by agent, by day in Asia/Shanghai, the weekday x hour
   heatmap): median of --runs warm runs, with the server's resident memory
   before and after.
2. With --pg-results (the --results-dir of pg_baseline.py on the same file and
   period), compares every figure the baseline computes with the API's.
3. Measures the latency of single-event imports (POST /api/v1/events) alone,
   then while --concurrency clients keep asking metric queries.
JSON on stdout, progress on stderr.
"""
import argparse
import csv
import http.cookiejar
import json
import os
import statistics
import sys
import threading
import time
import urllib.request

PERIOD = "from=2026-10-01&to=2026-10-31&tz=Asia/Shanghai"
QUERIES = {"agent": "group_by=agent", "day": "group_by=day", "heatmap": "group_by=weekday_hour"}


def log(*a):
    print(*a, file=sys.stderr, flush=True)


class Client:
    def __init__(self, base, user, password):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        body = json.dumps({"username": user, "password": password}).encode()
        self.request("POST", "/api/v1/auth/signin", body, "application/json")

    def request(self, method, path, body=None, ctype=None):
        req = urllib.request.Request(self.base + path, data=body, method=method)
        if ctype:
            req.add_header("Content-Type", ctype)
        with self.opener.open(req, timeout=600) as r:
            return r.read()

    def get_json(self, path):
        return json.loads(self.request("GET", path))


def rss_mb(pid):
    if not pid:
        return None
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return None


def timed(fn):
    t = time.perf_counter()
    r = fn()
    return (time.perf_counter() - t) * 1000.0, r


def wait_loaded(c):
    while True:
        try:
            return c.get_json(f"/api/v1/metrics?{PERIOD}")
        except urllib.error.HTTPError as e:
            if e.code != 503:
                raise
            log("metrics still loading…")
            time.sleep(1)


def compare(answers, pg_dir):
    """Every figure pg_baseline.py computes, against the API's."""
    problems, checked = [], 0

    def close(a, b):
        if a in (None, "") and b in (None, ""):
            return True
        if a in (None, "") or b in (None, ""):
            return False
        return abs(float(a) - float(b)) <= 1e-6 * max(1.0, abs(float(b)))

    def rows(name):
        with open(os.path.join(pg_dir, name + ".csv"), newline="") as f:
            return list(csv.DictReader(f))

    def check(where, got, want):
        nonlocal checked
        checked += 1
        if not close(got, want):
            problems.append(f"{where}: api {got!r} pg {want!r}")

    def stat(m, prefix, r, key):
        check(f"{key} {prefix}_n", m[prefix]["count"], r[f"{prefix}_n"])
        check(f"{key} {prefix}_mean", m[prefix]["mean"], r[f"{prefix}_mean"])
        check(f"{key} {prefix}_median", m[prefix]["median"], r[f"{prefix}_median"])
        check(f"{key} {prefix}_p90", m[prefix]["p90"], r[f"{prefix}_p90"])

    def shares(m, r, key):
        want = json.loads(r["channel_share"]) if r.get("channel_share") else {}
        got = m["channel_share"]["shares"] or {}
        for ch in set(want) | set(got):
            # The baseline rounds shares to 4 decimals (half away from zero).
            nonlocal checked
            checked += 1
            if abs(got.get(ch, 0.0) - float(want.get(ch, 0.0))) > 0.00005 + 1e-9:
                problems.append(f"{key} share {ch}: api {got.get(ch)!r} pg {want.get(ch)!r}")

    groups = {g["group"]: g["metrics"] for g in answers["agent"]["groups"]}
    for r in rows("agent_metrics"):
        m = groups.get(r["agent_id"])
        if m is None:
            problems.append(f"agent {r['agent_id']} missing")
            continue
        check(f"{r['agent_id']} handled", m["conversations_handled"], r["handled"])
        m2 = {"frt": m["first_response"], "reply": m["reply"]}
        stat(m2, "frt", r, r["agent_id"])
        stat(m2, "reply", r, r["agent_id"])
        shares(m, r, r["agent_id"])
    days = {g["group"]: g["metrics"] for g in answers["day"]["groups"]}
    for r in rows("day_metrics"):
        m = days[r["day"]]
        check(f"{r['day']} handled", m["conversations_handled"], r["handled"])
        check(f"{r['day']} new", m["new_conversations"], r["new_conversations"])
        stat({"frt": m["first_response"], "reply": m["reply"]}, "frt", r, r["day"])
        stat({"frt": m["first_response"], "reply": m["reply"]}, "reply", r, r["day"])
        shares(m, r, r["day"])
    names = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    cells = {g["group"]: g["metrics"] for g in answers["heatmap"]["groups"]}
    for r in rows("heatmap"):
        key = f"{names[int(r['dow']) - 1]}-{int(r['hour']):02d}"
        m = cells[key]
        check(f"{key} new", m["new_conversations"], r["new_conversations"])
        check(f"{key} reply_n", m["reply"]["count"], r["reply_n"])
        check(f"{key} reply_median", m["reply"]["median"], r["reply_median"])
    return {"figures_checked": checked, "mismatches": len(problems), "first_mismatches": problems[:20]}


def ingest_latency(c, n, tag):
    out = []
    for i in range(n):
        ts = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        line = json.dumps({"type": "message", "conversation": f"bench-{tag}-{time.time_ns()}", "id": "m1",
                           "channel": "webchat", "ts": ts, "sender": "customer", "text": "hello"})
        ms, _ = timed(lambda: c.request("POST", "/api/v1/events", line.encode(), "application/x-ndjson"))
        out.append(ms)
        time.sleep(0.05)
    out.sort()
    return {"n": n, "median_ms": round(statistics.median(out), 1),
            "p90_ms": round(out[int(0.9 * (n - 1))], 1), "max_ms": round(out[-1], 1)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", default="http://127.0.0.1:8080")
    ap.add_argument("--user", required=True)
    ap.add_argument("--password", required=True)
    ap.add_argument("--pid", type=int)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--pg-results")
    ap.add_argument("--concurrency", type=int, default=20)
    ap.add_argument("--ingest", type=int, default=40, help="single-event imports per phase (0: skip)")
    a = ap.parse_args()
    c = Client(a.url, a.user, a.password)
    t0 = time.perf_counter()
    wait_loaded(c)
    res = {"loaded_after_s": round(time.perf_counter() - t0, 1), "rss_mb_before": rss_mb(a.pid), "queries": {}}
    answers = {}
    for name, q in QUERIES.items():
        path = f"/api/v1/metrics?{PERIOD}&{q}"
        times = []
        for _ in range(a.runs):
            ms, body = timed(lambda: c.get_json(path))
            times.append(round(ms, 1))
            answers[name] = body
        res["queries"][name] = {"times_ms": times, "median_ms": statistics.median(times),
                                "groups": len(answers[name]["groups"])}
        log(name, times)
    res["rss_mb_after"] = rss_mb(a.pid)
    if a.pg_results:
        res["compare_with_pg"] = compare(answers, a.pg_results)
        log("compare:", res["compare_with_pg"])
    if a.ingest:
        res["ingest_idle"] = ingest_latency(c, a.ingest, "idle")
        stop = threading.Event()
        done = [0]

        def hammer(k):
            cc = Client(a.url, a.user, a.password)
            qs = list(QUERIES.values())
            while not stop.is_set():
                cc.get_json(f"/api/v1/metrics?{PERIOD}&{qs[k % len(qs)]}")
                done[0] += 1
                k += 1

        threads = [threading.Thread(target=hammer, args=(k,), daemon=True) for k in range(a.concurrency)]
        for t in threads:
            t.start()
        time.sleep(1)
        t1 = time.perf_counter()
        res["ingest_during_queries"] = ingest_latency(c, a.ingest, "busy")
        elapsed = time.perf_counter() - t1
        res["ingest_during_queries"]["metric_queries_answered"] = done[0]
        res["ingest_during_queries"]["metric_queries_per_s"] = round(done[0] / elapsed, 1)
        stop.set()
        for t in threads:
            t.join()
        res["rss_mb_after_concurrency"] = rss_mb(a.pid)
        log("ingest", res["ingest_idle"], res["ingest_during_queries"])
    print(json.dumps(res, indent=1))


if __name__ == "__main__":
    main()
