#!/usr/bin/env python3
"""Blocking functions against the server's async workers (issue: functions as users write them).

Starts the reference server (release build) on loopback, sends CALLS concurrent calls of its
plain `fn` blockFor (each blocks its thread for MS milliseconds, as a synchronous database
driver would) while a second client asks GET /healthCheck every 20 ms, and prints the calls'
wall time and the slowest health check. Bounded: one batch of calls, each with a timeout.

    scripts/bench-blocking.py [CALLS=8] [MS=1000]
"""
import http.client
import json
import os
import sys
import threading
import time

import serve

CALLS = int(sys.argv[1]) if len(sys.argv) > 1 else 8
MS = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
TOKEN = "bench-blocking-token"

server, port = serve.start("reference-module", "reference-server", "--system-token", TOKEN)

def call():
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    body = json.dumps({"diy": True, "type": "hook", "function": "blockFor", "options": {"ms": MS}})
    connection.request("POST", "/function", body, {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"})
    response = connection.getresponse()
    assert response.status == 200, response.read()
    response.read()

slowest, checks, done = 0.0, 0, threading.Event()
def health():
    global slowest, checks
    while not done.is_set():
        started = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", "/healthCheck")
        assert connection.getresponse().status == 200
        slowest = max(slowest, time.perf_counter() - started)
        checks += 1
        time.sleep(0.02)

checker = threading.Thread(target=health)
checker.start()
started = time.perf_counter()
threads = [threading.Thread(target=call) for _ in range(CALLS)]
for t in threads:
    t.start()
for t in threads:
    t.join()
elapsed = time.perf_counter() - started
done.set()
checker.join()
server.terminate()
server.wait(timeout=30)
print(f"{CALLS} concurrent calls of a plain fn blocking {MS} ms: {elapsed * 1000:.0f} ms in all")
print(f"slowest of {checks} health checks meanwhile: {slowest * 1000:.1f} ms")
