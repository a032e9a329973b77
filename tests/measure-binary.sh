#!/usr/bin/env bash
# Measures a published edgesync binary: size, `--version` start-up (best and median of N runs),
# and — when it can `run` — start→READY (plays systemd's notify socket), start→/healthz, idle RSS
# after 5 s, and SIGTERM→exit. Usage:
#   tests/measure-binary.sh artifacts/linux-x64/edgesync
#   QEMU=qemu-aarch64-static tests/measure-binary.sh artifacts/linux-arm64/edgesync
# RUN_ARGS overrides the run command line ({port} and {dir} are substituted).
set -euo pipefail
BIN="${1:?usage: tests/measure-binary.sh BINARY}"
[[ -x "$BIN" ]] || { echo "measure: no executable at $BIN" >&2; exit 2; }
RUNS="${RUNS:-10}"
# A fleet of one (no broker): what a node costs by itself. (Not "${RUN_ARGS:-...{port}...}": the
# first "}" would end the expansion.)
DEFAULT_RUN_ARGS='run --api 127.0.0.1:{port} --data-dir {dir}'
export BIN RUNS QEMU="${QEMU:-}" RUN_ARGS="${RUN_ARGS:-$DEFAULT_RUN_ARGS}"

python3 - <<'EOF'
import os, shlex, signal, socket, statistics, subprocess, tempfile, time, urllib.request

binary, runs, qemu = os.environ["BIN"], int(os.environ["RUNS"]), os.environ["QEMU"]
prefix = [qemu] if qemu else []
print(f"size: {os.path.getsize(binary) / 1e6:.1f} MB ({os.path.getsize(binary)} bytes)")

times = []
for _ in range(runs):
    t = time.perf_counter()
    out = subprocess.run(prefix + [binary, "--version"], capture_output=True, text=True, check=True)
    times.append((time.perf_counter() - t) * 1000)
print(f"--version: best {min(times):.0f} ms, median {statistics.median(times):.0f} ms over {runs} runs ({out.stdout.strip()!r})")

with tempfile.TemporaryDirectory() as tmp:
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    listener.bind(os.path.join(tmp, "notify.sock"))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    args = shlex.split(os.environ["RUN_ARGS"].replace("{port}", str(port)).replace("{dir}", os.path.join(tmp, "data")))
    env = dict(os.environ, NOTIFY_SOCKET=os.path.join(tmp, "notify.sock"), WATCHDOG_USEC="10000000")
    t0 = time.perf_counter()
    proc = subprocess.Popen(prefix + [binary] + args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def wait_for(word, limit):
        listener.settimeout(0.05)
        end = time.perf_counter() + limit
        while time.perf_counter() < end:
            try:
                msg = listener.recv(4096).decode()
            except socket.timeout:
                if proc.poll() is not None and word == "READY=1":
                    return None  # exited without ever becoming ready
                continue
            if word in msg.split("\n"):
                return time.perf_counter()
        return None

    ready = wait_for("READY=1", 120)
    if ready is None:
        if proc.poll() is None:
            proc.kill()
        err = proc.stderr.read().decode().strip().splitlines()
        print(f"run: no READY=1 (exit code {proc.poll()}, {err[-1] if err else 'no stderr'}) — start→READY and RSS not measured")
        raise SystemExit(0)
    print(f"start→READY: {(ready - t0) * 1000:.0f} ms")
    for _ in range(600):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                if r.status == 200:
                    print(f"start→/healthz 200: {(time.perf_counter() - t0) * 1000:.0f} ms")
                    break
        except OSError:
            time.sleep(0.01)
    time.sleep(5)  # idle, then sample memory
    with open(f"/proc/{proc.pid}/status") as f:
        rss = next(l for l in f if l.startswith("VmRSS")).split()[1]
    print(f"idle RSS after 5 s: {int(rss) / 1024:.0f} MB")
    t = time.perf_counter()
    proc.send_signal(signal.SIGTERM)
    stopping = wait_for("STOPPING=1", 30)
    code = proc.wait(30)
    print(f"SIGTERM→exit: {(time.perf_counter() - t) * 1000:.0f} ms, exit code {code}, STOPPING=1 {'seen' if stopping else 'NOT seen'}")
EOF
