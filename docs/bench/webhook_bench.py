#!/usr/bin/env python3
"""Benchmark of webhook ingest (issue 6): signed WhatsApp deliveries driven by
wrk (a second process) at rising concurrency, while a dashboard metric query
runs every second; afterwards every acknowledged message is counted in the store.

    python3 docs/bench/webhook_bench.py --url http://127.0.0.1:8080 \
        --user admin --password ... --secret APP_SECRET --channel wa \
        [--levels 4,16,64,128] [--seconds 15] [--bodies 400000]

The server must have a WhatsApp channel `--channel` whose `secret` is
`--secret`. Needs `wrk` (Debian: apt-get install wrk). Standard library only.
Each delivery is a distinct message (its own wamid), signed with
X-Hub-Signature-256 over its exact bytes. JSON on stdout, progress on stderr.
"""
import argparse
import hashlib
import hmac
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from search_bench import Client, log  # noqa: E402 - the same sign-in and logging

LUA = r"""
local lines, n, i = {}, 0, 0
local counter = 0
function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
end
function init(args)
  local path, threads = args[1], tonumber(args[2])
  for line in io.lines(path) do
    n = n + 1
    if (n - 1) % threads == tid then lines[#lines + 1] = line end
  end
end
function request()
  i = i + 1
  local line = lines[i]
  if line == nil then line = lines[1] end
  local tab = line:find("\t", 1, true)
  local sig, body = line:sub(1, tab - 1), line:sub(tab + 1)
  return wrk.format("POST", nil, {["Content-Type"] = "application/json", ["X-Hub-Signature-256"] = sig}, body)
end
"""


RUN = str(int(time.time()))


def make_bodies(path, count, secret, start):
    """Distinct WhatsApp text deliveries (5,000 customers), one per line: signature TAB body."""
    now = int(time.time())
    with open(path, "w") as f:
        for i in range(start, start + count):
            wa = "55119%07d" % (i % 5000)
            body = json.dumps({
                "object": "whatsapp_business_account",
                "entry": [{"id": "WABA", "changes": [{"field": "messages", "value": {
                    "messaging_product": "whatsapp",
                    "metadata": {"display_phone_number": "15550001111", "phone_number_id": "1122334455667"},
                    "contacts": [{"profile": {"name": "Cliente %d" % (i % 5000)}, "wa_id": wa}],
                    "messages": [{"from": wa, "id": "wamid.bench.%s.%d" % (RUN, i), "timestamp": str(now - 600 + i % 600),
                                  "type": "text", "text": {"body": "Olá, pedido %d ainda não chegou" % i}}]}}]}]},
                separators=(",", ":"))
            sig = "sha256=" + hmac.new(secret.encode(), body.encode(), hashlib.sha256).hexdigest()
            f.write(sig + "\t" + body + "\n")


def wrk(url, lua, bodies, connections, seconds):
    threads = min(2, connections)
    out = subprocess.run(
        ["wrk", "-t", str(threads), "-c", str(connections), "-d", "%ds" % seconds, "--latency", "-s", lua, url, "--",
         bodies, str(threads)], capture_output=True, text=True, check=True).stdout
    def num(pattern, default=0.0):
        m = re.search(pattern, out)
        return float(m.group(1)) if m else default
    def ms(pattern):
        m = re.search(pattern, out)
        if not m:
            return None
        v, unit = float(m.group(1)), m.group(2)
        return v * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    requests = int(num(r"(\d+) requests in"))
    non2xx = int(num(r"Non-2xx or 3xx responses: (\d+)"))
    errors = sum(int(x) for x in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    return {"connections": connections, "seconds": seconds, "requests": requests, "acknowledged": requests - non2xx,
            "non_2xx": non2xx, "socket_errors": errors, "per_second": round(num(r"Requests/sec:\s+([\d.]+)")),
            "p50_ms": ms(r"50%\s+([\d.]+)(us|ms|s)"), "p90_ms": ms(r"90%\s+([\d.]+)(us|ms|s)"),
            "p99_ms": ms(r"99%\s+([\d.]+)(us|ms|s)"), "raw": out}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", default="http://127.0.0.1:8080")
    ap.add_argument("--user", default="admin")
    ap.add_argument("--password", required=True)
    ap.add_argument("--secret", required=True)
    ap.add_argument("--channel", default="wa")
    ap.add_argument("--levels", default="4,16,64,128")
    ap.add_argument("--seconds", type=int, default=15)
    ap.add_argument("--bodies", type=int, default=400000)
    ap.add_argument("--binary", help="the chatledger binary, to count the stored messages with `export`")
    ap.add_argument("--data", help="the server's data directory (with --binary)")
    a = ap.parse_args()
    c = Client(a.url, a.user, a.password)
    work = tempfile.mkdtemp(prefix="chatledger-webhook-bench-")
    lua = os.path.join(work, "signed.lua")
    with open(lua, "w") as f:
        f.write(LUA)

    # A dashboard query every second, all along.
    stop = threading.Event()
    metric_ms = []
    def dashboard():
        q = "/api/v1/metrics?from=%s&to=%s&group_by=day" % (
            time.strftime("%Y-%m-%d", time.gmtime(time.time() - 30 * 86400)), time.strftime("%Y-%m-%d", time.gmtime(time.time() + 86400)))
        while not stop.is_set():
            t0 = time.perf_counter()
            try:
                c.get_json(q)
                metric_ms.append((time.perf_counter() - t0) * 1000)
            except Exception as e:  # noqa: BLE001 - a failed query is a finding, not a crash
                log("metric query failed:", e)
            stop.wait(max(0.0, 1.0 - (time.perf_counter() - t0)))
    th = threading.Thread(target=dashboard, daemon=True)
    th.start()

    before = c.get_json("/api/v1/channels-inbox?limit=1")["total"]
    results, offset = [], 0
    hook = a.url + "/hooks/whatsapp/" + a.channel
    for level in [int(x) for x in a.levels.split(",")]:
        bodies = os.path.join(work, "bodies-%d.txt" % level)
        log("generating %d signed bodies for %d connections" % (a.bodies, level))
        make_bodies(bodies, a.bodies, a.secret, offset)
        offset += a.bodies
        log("wrk: %d connections, %d s" % (level, a.seconds))
        r = wrk(hook, lua, bodies, level, a.seconds)
        r["unique_bodies"] = a.bodies
        log("  %(per_second)s/s, p50 %(p50_ms)s ms, p99 %(p99_ms)s ms, non-2xx %(non_2xx)s" % r)
        results.append(r)
        time.sleep(2)
    stop.set()
    th.join()

    # Every acknowledged delivery must be in the store once translated.
    t0 = time.time()
    while True:
        inbox = c.get_json("/api/v1/channels-inbox?limit=1")
        if inbox["pending"] == 0:
            break
        if time.time() - t0 > 600:
            raise SystemExit("the inbox was not translated within 10 minutes")
        time.sleep(1)
    drained_s = time.time() - t0
    stored = inbox["total"] - before
    acknowledged = sum(min(r["acknowledged"], r["unique_bodies"]) for r in results)
    messages = None
    if a.binary:
        out = subprocess.run([a.binary, "--data", a.data, "export", "--channel", "whatsapp"], capture_output=True, check=True).stdout
        messages = sum(1 for line in out.splitlines() if ('"wamid.bench.%s.' % RUN).encode() in line and b'"type":"message"' in line)
    print(json.dumps({
        "levels": [{k: v for k, v in r.items() if k != "raw"} for r in results],
        "acknowledged_distinct": acknowledged,
        "stored_in_inbox": stored,
        "messages_in_store": messages,
        "translated_after_s": round(drained_s, 1),
        "metric_query_ms": {"count": len(metric_ms), "median": round(statistics.median(metric_ms), 1) if metric_ms else None,
                            "max": round(max(metric_ms), 1) if metric_ms else None},
    }, indent=2))


if __name__ == "__main__":
    main()
