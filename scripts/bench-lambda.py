#!/usr/bin/env python3
"""Lambda cold start and per-invocation latency under AWS's Runtime Interface Emulator.

Cold start: from starting the emulator with our bootstrap (the emulator starts it on the
first invoke) to the first successful answer, COLD_SAMPLES times with a fresh emulator,
plus the emulator's own "Init Duration" (bootstrap start to its first /next). Warm: a
200-record preSavePage page (the bench kit's typical payload) invoked WARM_CALLS times.
Loopback only; every loop is bounded.

usage: bench-lambda.py RIE BOOTSTRAP PAYLOAD_JSON
"""
import base64, http.client, json, os, re, socket, statistics, subprocess, sys, tempfile, time

RIE, BOOTSTRAP, PAYLOAD = sys.argv[1:4]
COLD_SAMPLES = int(os.environ.get("COLD_SAMPLES", "10"))
WARM_CALLS = int(os.environ.get("WARM_CALLS", "200"))
CONTEXT = base64.b64encode(json.dumps({"diy": True, "type": "hook", "function": "preSavePage"}).encode()).decode()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start():
    port, api = free_port(), free_port()
    log = tempfile.TemporaryFile()
    env = {k: v for k, v in os.environ.items() if k != "AWS_LAMBDA_MAX_CONCURRENCY"}
    env["INTEGRATOR_EXTENSION_DIY"] = "true"
    proc = subprocess.Popen([RIE, "--runtime-interface-emulator-address", f"127.0.0.1:{port}",
                             "--runtime-api-address", f"127.0.0.1:{api}", BOOTSTRAP],
                            env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc, port, log
        except OSError:
            if time.monotonic() > deadline:
                proc.kill()
                raise SystemExit("the emulator does not listen")
            time.sleep(0.005)


def invoke(port, body):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("POST", "/2015-03-31/functions/function/invocations", body=body,
                 headers={"X-Amz-Client-Context": CONTEXT, "Content-Type": "application/json"})
    answer = conn.getresponse().read()
    conn.close()
    return answer


options = json.dumps(json.load(open(PAYLOAD))["options"]).encode()
small = json.dumps({"data": [{"name": "ada"}], "errors": []}).encode()

cold, first, init = [], [], []
for _ in range(COLD_SAMPLES):
    t0 = time.monotonic()
    proc, port, log = start()
    t1 = time.monotonic()
    answer = invoke(port, small)
    cold.append((time.monotonic() - t0) * 1000)
    first.append((time.monotonic() - t1) * 1000)
    assert b'"ADA"' in answer, answer
    proc.terminate(); proc.wait(10)
    log.seek(0)
    found = re.search(rb"Init Duration: ([0-9.]+) ms", log.read())
    if found:
        init.append(float(found.group(1)))

proc, port, log = start()
expected = None
latencies = []
for _ in range(WARM_CALLS):
    t0 = time.monotonic()
    answer = invoke(port, options)
    latencies.append((time.monotonic() - t0) * 1000)
    expected = expected or answer
    assert answer == expected and answer.startswith(b'{"data":['), answer[:200]
proc.terminate(); proc.wait(10)
latencies.sort()

print(f"bootstrap: {BOOTSTRAP} ({os.path.getsize(BOOTSTRAP) / 1e6:.2f} MB)")
print(f"cold start, emulator start to first answer (median of {len(cold)}): {statistics.median(cold):.1f} ms")
print(f"cold start, first invoke (the emulator starts our process) to its answer (median): {statistics.median(first):.1f} ms")
if init:
    print(f"emulator's Init Duration, bootstrap start to first /next (median): {statistics.median(init):.2f} ms")
print(f"200-record page, {WARM_CALLS} warm invocations: median {statistics.median(latencies):.2f} ms, "
      f"p99 {latencies[int(len(latencies) * 0.99) - 1]:.2f} ms")
