"""Starts one of the workspace's server binaries (release) on a free loopback port, for the
scripts that measure it: `start(package, binary, *args)` builds it, runs it with `--diy
--port 0` and the given arguments, and answers the process and the port it logged."""
import os
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def start(package, binary, *args):
    subprocess.run(["cargo", "build", "--release", "-q", "-p", package, "--bin", binary], cwd=ROOT, check=True)
    server = subprocess.Popen([os.path.join(ROOT, "target/release", binary), "--diy", "--port", "0", *args],
                              stderr=subprocess.PIPE, text=True, env={**os.environ, "RUST_LOG": "info"})
    port, deadline = None, time.time() + 30
    while port is None and time.time() < deadline:
        line = server.stderr.readline()
        if "address=" in line:
            port = int(line.rsplit(":", 1)[1].strip())
    # Its later lines are read and dropped, so that a full pipe never blocks it.
    threading.Thread(target=lambda: [None for _ in server.stderr], daemon=True).start()
    if port is None:
        server.kill()
        sys.exit(f"{binary} did not start")
    return server, port
