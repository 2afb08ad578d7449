#!/usr/bin/env python3
"""Benchmark of transcript search (issue 4), standard library only.

    python3 docs/bench/search_bench.py --url http://127.0.0.1:8080 \
        --user bench --password ... --ndjson FILE [--runs 7] [--pg] [--pg-workdir DIR]

1. Runs the six keywords of the shared PostgreSQL baseline and 20 mixed
   queries (filters, phrases, exclusions, OR, prefixes) over HTTP, each for
   the top 20 newest and the top 20 by relevance, with the total count:
   --runs warm runs each; p50 and p99 per query and over the whole set.
2. Counts the raw text the index covers in --ndjson (message texts, edits,
   notes, e-mail subjects, attachment names) to compare with the index size.
3. With --freshness N: under a steady ingest of --ingest-rate events per
   second (POST /api/v1/events), N times imports one message with a word
   found nowhere else and measures the time from the import's answer to the
   first search that finds it.
4. With --pg: loads the same file into PostgreSQL with the baseline's own
   loader (../shared/bench/pg_baseline.py: conversion + COPY + indexes, its
   pg_trgm GIN index included), then asks every query the same question
   (ILIKE over the current message texts: the total count and the 20 newest),
   timed inside one psql session, median of --runs.
JSON on stdout, progress on stderr.
"""
import argparse
import http.cookiejar
import json
import math
import os
import re
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
BASELINE = os.path.normpath(os.path.join(HERE, "..", "..", "..", "shared", "bench"))

KEYWORDS = ["退款", "投诉", "发票", "refund", "chargeback", "invoice"]

# (query for chatledger, SQL condition on messages m for PostgreSQL)
MIXED = [
    ("退款 channel:wechat", "m.text ILIKE '%退款%' AND m.channel = 'wechat'"),
    ('"申请退款"', "m.text ILIKE '%申请退款%'"),
    ("投诉 -快递", "m.text ILIKE '%投诉%' AND m.text NOT ILIKE '%快递%'"),
    ("发票 OR invoice", "(m.text ILIKE '%发票%' OR m.text ILIKE '%invoice%')"),
    ('"refund for order"', "m.text ILIKE '%refund for order%'"),
    ("refund sender:customer", "m.text ILIKE '%refund%' AND m.sender = 'customer'"),
    ("chargeback channel:whatsapp", "m.text ILIKE '%chargeback%' AND m.channel = 'whatsapp'"),
    ("invoice tag:invoice",
     "m.text ILIKE '%invoice%' AND m.conversation_id IN (SELECT conversation_id FROM tag_events WHERE tag = 'invoice' AND added)"),
    ("refund agent:a-21",
     "m.text ILIKE '%refund%' AND EXISTS (SELECT 1 FROM messages a WHERE a.conversation_id = m.conversation_id AND a.agent_id = 'a-21')"),
    ("退款 team:cn-care",
     "m.text ILIKE '%退款%' AND EXISTS (SELECT 1 FROM messages a JOIN agents g ON g.id = a.agent_id "
     "WHERE a.conversation_id = m.conversation_id AND g.team = 'cn-care')"),
    ('"nota fiscal"', "m.text ILIKE '%nota fiscal%'"),
    ("reembolso", "m.text ILIKE '%reembolso%'"),
    ("pedido -cancelado", "m.text ILIKE '%pedido%' AND m.text NOT ILIKE '%cancelado%'"),
    ("refun*", "m.text ILIKE '%refun%'"),
    ("快递 物流", "m.text ILIKE '%快递%' AND m.text ILIKE '%物流%'"),
    ('"verification code"', "m.text ILIKE '%verification code%'"),
    ("退款 到账", "m.text ILIKE '%退款%' AND m.text ILIKE '%到账%'"),
    ("complain*", "m.text ILIKE '%complain%'"),
    ("发票 sender:agent channel:webchat", "m.text ILIKE '%发票%' AND m.sender = 'agent' AND m.channel = 'webchat'"),
    ("退款 -测试 from:2026-10-01", "m.text ILIKE '%退款%' AND m.text NOT ILIKE '%测试%' AND m.ts >= '2026-10-01T00:00:00+08:00'"),
]


def log(*a):
    print(*a, file=sys.stderr, flush=True)


class Client:
    def __init__(self, base, user, password):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        body = json.dumps({"username": user, "password": password}).encode()
        req = urllib.request.Request(base + "/api/v1/auth/signin", data=body, method="POST")
        req.add_header("Content-Type", "application/json")
        self.opener.open(req, timeout=60).read()

    def get_json(self, path):
        with self.opener.open(self.base + path, timeout=600) as r:
            return json.loads(r.read())


def api_query(q):
    """The API parameters of a benchmark query (the date filter is a parameter)."""
    params = {"limit": "20"}
    m = re.search(r"\s*from:(\S+)", q)
    if m:
        params["from"] = m.group(1)
        params["tz"] = "Asia/Shanghai"
        q = q.replace(m.group(0), "")
    params["q"] = q
    return params


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, max(0, math.ceil(p / 100.0 * len(xs)) - 1))]


def raw_text_bytes(path):
    n = 0
    with open(path, encoding="utf-8") as f:
        for line in f:
            if '"text"' not in line and '"subject"' not in line and '"attachments"' not in line:
                continue
            e = json.loads(line)
            if e.get("type") in ("message", "edit", "note"):
                n += len((e.get("text") or "").encode())
                n += len((e.get("subject") or "").encode())
                for a in e.get("attachments") or []:
                    n += len((a.get("name") or "").encode())
    return n


def run_api(c, runs):
    out = []
    for label, q in [(k, k) for k in KEYWORDS] + [(q, q) for q, _ in MIXED]:
        for sort in ("newest", "relevance"):
            params = dict(api_query(q), sort=sort)
            path = "/api/v1/search?" + urllib.parse.urlencode(params)
            c.get_json(path)  # warm
            times, ans = [], None
            for _ in range(runs):
                t = time.perf_counter()
                ans = c.get_json(path)
                times.append((time.perf_counter() - t) * 1000.0)
            out.append({"query": label, "sort": sort, "total": ans["total"], "hits": len(ans["hits"]),
                        "p50_ms": round(statistics.median(times), 2), "max_ms": round(max(times), 2),
                        "times_ms": [round(x, 2) for x in times]})
            log("api %-34s %-9s total %8d  p50 %7.1f ms  max %7.1f ms" % (label, sort, ans["total"],
                                                                          statistics.median(times), max(times)))
    return out


def post_event(c, line):
    req = urllib.request.Request(c.base + "/api/v1/events", data=line.encode(), method="POST")
    req.add_header("Content-Type", "application/x-ndjson")
    with c.opener.open(req, timeout=60) as r:
        return json.loads(r.read())


def run_freshness(c, n, rate):
    import random
    import threading
    stop = threading.Event()

    def ingest():
        k = 0
        while not stop.is_set():
            k += 1
            post_event(c, json.dumps({"type": "message", "conversation": "fresh-bg-%d" % (k % 500), "id": "b%d" % k,
                                      "channel": "webchat", "ts": "2026-11-30T12:00:00Z", "sender": "customer",
                                      "contact": "k-bg", "text": "background ingest %d 背景消息" % k}))
            time.sleep(1.0 / rate)

    bg = threading.Thread(target=ingest, daemon=True)
    bg.start()
    delays = []
    try:
        for i in range(n):
            word = "zq%08d" % random.randrange(10 ** 8)
            post_event(c, json.dumps({"type": "message", "conversation": "fresh-%s" % word, "id": "m1",
                                      "channel": "webchat", "ts": "2026-11-30T12:00:00Z", "sender": "customer",
                                      "contact": "k-fresh", "text": "freshness probe %s" % word}))
            t = time.perf_counter()
            while c.get_json("/api/v1/search?" + urllib.parse.urlencode({"q": word}))["total"] < 1:
                time.sleep(0.01)
            delays.append((time.perf_counter() - t) * 1000.0)
            log("freshness %d/%d: %.0f ms" % (i + 1, n, delays[-1]))
    finally:
        stop.set()
    return {"probes": n, "ingest_per_s": rate, "median_ms": round(statistics.median(delays), 1),
            "max_ms": round(max(delays), 1)}


def run_pg(ndjson, workdir, runs):
    sys.path.insert(0, BASELINE)
    import pg_baseline as pb
    bindir = pb.ensure_postgres()
    srv = pb.Server(bindir, workdir)
    res = {}
    try:
        srv.init_and_start()
        t0 = time.time()
        info = pb.prep(ndjson, srv.csv)
        res["conversion_s"] = round(time.time() - t0, 1)
        ph = pb.load(srv, info["rows"], with_samples=False)
        res["load_s"] = round(ph["total_s"], 1)
        res["conversion_plus_load_s"] = round(res["conversion_s"] + ph["total_s"], 1)
        log("pg: conversion %.1f s + load %.1f s" % (res["conversion_s"], ph["total_s"]))
        queries = [(k, "m.text ILIKE %s" % pb.sql_lit(pb.like_pattern(k))) for k in KEYWORDS] + MIXED
        res["queries"] = []
        for label, cond in queries:
            count_sql = "SELECT count(*) FROM messages m WHERE %s;" % cond
            top_sql = ("SELECT m.conversation_id, m.message_id, m.ts FROM messages m WHERE %s "
                       "ORDER BY m.ts DESC, m.seq DESC LIMIT 20;" % cond)
            script = "\\timing on\n" + (count_sql + "\n" + top_sql + "\n") * (runs + 1)
            out = srv.script(script)
            times = [float(x) for x in re.findall(r"Time: ([0-9.]+) ms", out)]
            pairs = [times[i] + times[i + 1] for i in range(2, len(times) - 1, 2)]  # drop the warm run
            total = int(srv._value(count_sql.rstrip(";")))
            res["queries"].append({"query": label, "total": total, "median_ms": round(statistics.median(pairs), 1),
                                   "times_ms": [round(x, 1) for x in pairs]})
            log("pg  %-34s total %8d  median %9.1f ms" % (label, total, statistics.median(pairs)))
    finally:
        srv.stop()
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", default="http://127.0.0.1:8080")
    ap.add_argument("--user", required=True)
    ap.add_argument("--password", required=True)
    ap.add_argument("--ndjson", help="the file the store was loaded from (raw text size, PostgreSQL)")
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--pg", action="store_true", help="load --ndjson into PostgreSQL and time the same questions")
    ap.add_argument("--pg-workdir", default="/tmp/pgsearch")
    ap.add_argument("--freshness", type=int, default=0, help="probes of new-event visibility")
    ap.add_argument("--ingest-rate", type=float, default=20.0)
    ap.add_argument("--skip-api", action="store_true")
    a = ap.parse_args()
    c = Client(a.url, a.user, a.password)
    while not c.get_json("/api/v1/search/status")["ready"]:
        log("index still building…")
        time.sleep(2)
    report = {}
    if a.freshness:
        report["freshness"] = run_freshness(c, a.freshness, a.ingest_rate)
    if a.skip_api:
        json.dump(report, sys.stdout, ensure_ascii=False, indent=1)
        print()
        return
    report["api"] = run_api(c, a.runs)
    every = [t for r in report["api"] for t in r["times_ms"]]
    report["api_overall"] = {"queries": len(report["api"]), "p50_ms": round(pct(every, 50), 2),
                             "p99_ms": round(pct(every, 99), 2), "max_ms": round(max(every), 2)}
    log("api overall: p50 %.1f ms, p99 %.1f ms, max %.1f ms" % (pct(every, 50), pct(every, 99), max(every)))
    if a.ndjson:
        report["raw_text_bytes"] = raw_text_bytes(a.ndjson)
        log("raw text: %.1f MB" % (report["raw_text_bytes"] / 1e6))
    if a.pg and a.ndjson:
        pg = run_pg(a.ndjson, a.pg_workdir, a.runs)
        report["pg"] = pg
        ratios, slower = [], []
        for r in report["api"]:
            p = next(x for x in pg["queries"] if x["query"] == r["query"])
            ratio = p["median_ms"] / max(r["p50_ms"], 0.01)
            ratios.append(ratio)
            if r["max_ms"] > p["median_ms"]:
                slower.append((r["query"], r["sort"], r["max_ms"], p["median_ms"]))
        report["vs_pg"] = {"geomean_speedup": round(math.exp(sum(map(math.log, ratios)) / len(ratios)), 1),
                           "min_speedup": round(min(ratios), 1), "queries_slower_than_pg": slower}
        log("vs pg: geometric mean %.1fx faster, least %.1fx; slower than pg: %s"
            % (report["vs_pg"]["geomean_speedup"], report["vs_pg"]["min_speedup"], slower or "none"))
    json.dump(report, sys.stdout, ensure_ascii=False, indent=1)
    print()


if __name__ == "__main__":
    main()
