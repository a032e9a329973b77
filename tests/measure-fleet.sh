#!/usr/bin/env bash
# Idle RSS of a published edgesync binary in a 3-node fleet on Mosquitto (loopback, free ports):
# starts the broker and three `run` agents, waits until every node is healthy with a leader,
# idles IDLE seconds (default 10), prints each agent's VmRSS, the CPU it used while idle (user + kernel,
# as a share of one core) and its context switches per second, then stops them with SIGTERM.
#   tests/measure-fleet.sh artifacts/linux-x64/edgesync
set -euo pipefail
BIN="${1:?usage: tests/measure-fleet.sh BINARY}"
[[ -x "$BIN" ]] || { echo "measure-fleet: no executable at $BIN" >&2; exit 2; }
MOSQUITTO="$(command -v mosquitto || echo /usr/sbin/mosquitto)"
[[ -x "$MOSQUITTO" ]] || { echo "measure-fleet: mosquitto is not installed" >&2; exit 2; }
export BIN MOSQUITTO IDLE="${IDLE:-10}"

python3 - <<'PY'
import json, os, signal, socket, subprocess, tempfile, time, urllib.request

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]

def cpu(pid):
    # utime + stime of every thread, in seconds (/proc/PID/stat fields 14 and 15)
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

def switches(pid):
    total = 0
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/status") as f:
                total += sum(int(l.split()[1]) for l in f if "ctxt_switches" in l)
        except OSError:
            pass  # the thread ended
    return total

def status(port):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/status", timeout=2) as r:
            return json.load(r)
    except OSError:
        return None

with tempfile.TemporaryDirectory() as tmp:
    mport = free_port()
    with open(f"{tmp}/m.conf", "w") as f:
        f.write(f"listener {mport} 127.0.0.1\nallow_anonymous true\nset_tcp_nodelay true\npersistence false\n")
    broker = subprocess.Popen([os.environ["MOSQUITTO"], "-c", f"{tmp}/m.conf"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    env = {k: v for k, v in os.environ.items() if not k.startswith("EDGESYNC_")}
    env["EDGESYNC_Fleet__Members"] = "n1,n2,n3"
    env["EDGESYNC_Fleet__Name"] = "measure"
    nodes = []
    try:
        for n in ("n1", "n2", "n3"):
            port = free_port()
            p = subprocess.Popen([os.environ["BIN"], "run", "--node-id", n, "--data-dir", f"{tmp}/{n}",
                                  "--api", f"127.0.0.1:{port}", "--broker", f"mqtt://127.0.0.1:{mport}"],
                                 env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            nodes.append((n, port, p))
        deadline = time.time() + 60
        while True:
            st = [status(port) for _, port, _ in nodes]
            if all(s and s["partition"] == "healthy" and s["leader"] for s in st):
                break
            if time.time() > deadline:
                raise SystemExit(f"measure-fleet: fleet not healthy within 60 s: {st}")
            time.sleep(0.1)
        print(f"fleet healthy, leader {st[0]['leader']}; idling {os.environ['IDLE']} s")
        before = [(cpu(p.pid), switches(p.pid)) for _, _, p in nodes]
        started = time.monotonic()
        time.sleep(float(os.environ["IDLE"]))
        elapsed = time.monotonic() - started
        for (n, _, p), (c0, s0) in zip(nodes, before):
            with open(f"/proc/{p.pid}/status") as f:
                rss = next(l for l in f if l.startswith("VmRSS")).split()[1]
            busy = (cpu(p.pid) - c0) / elapsed
            print(f"{n}: idle RSS {int(rss) / 1024:.0f} MB, CPU {busy:.1%} of a core, "
                  f"{(switches(p.pid) - s0) / elapsed:.0f} context switches/s")
    finally:
        for _, _, p in nodes:
            p.send_signal(signal.SIGTERM)
        codes = [p.wait(30) for _, _, p in nodes]
        broker.terminate()
        broker.wait(10)
    print(f"exit codes after SIGTERM: {codes}")
PY
