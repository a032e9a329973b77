#!/usr/bin/env bash
# A real-network partition lab on one Linux machine (run as root).
#
# Builds one network namespace per agent plus one for Mosquitto, joined by veth pairs on a
# bridge (10.77.0.0/24, private to this machine), starts the fleet, and lets you pull a node's
# "cable" with `ip link set ... down` -- the same demo as on real Pis. Everything it creates is
# removed on exit, also on Ctrl+C or failure.
#
#   sudo tests/lab/partition-lab.sh [--nodes N] [--edgesync CMD] [--demo]
#
# --demo runs a scripted check: write on every node, cut node 1, write on both sides, verify
# node 1 reports minority and the rest keep a leader, re-plug, verify everything converged.
set -euo pipefail

NODES=3
EDGESYNC=""
DEMO=0
PREFIX="es$$-"  # the dash keeps one run's names from being a prefix of another's
while [ $# -gt 0 ]; do
  case "$1" in
    --nodes) NODES="$2"; shift 2 ;;
    --edgesync) EDGESYNC="$2"; shift 2 ;;
    --demo) DEMO=1; shift ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "partition-lab: unknown option $1" >&2; exit 2 ;;
  esac
done

if [ "$(id -u)" -ne 0 ]; then
  echo "partition-lab: needs root (network namespaces)" >&2
  exit 2
fi
for tool in ip mosquitto curl sed; do
  command -v "$tool" >/dev/null || { echo "partition-lab: '$tool' not found (apt-get install -y iproute2 mosquitto curl)" >&2; exit 2; }
done

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
if [ -z "$EDGESYNC" ]; then
  DLL="$(ls -t "$ROOT"/src/EdgeSync.Agent/bin/*/net10.0/edgesync.dll 2>/dev/null | head -1 || true)"
  [ -n "$DLL" ] || { echo "partition-lab: build first (dotnet build -c Release) or pass --edgesync" >&2; exit 2; }
  EDGESYNC="dotnet $DLL"
fi

WORK="$(mktemp -d /tmp/edgesync-lab.XXXXXX)"
BR="${PREFIX}br"
PIDS=()
NSS=()
VETHS=()

cleanup() {
  set +e
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null; done
  # Only what this run created (another lab's prefix may start with ours). Deleting a veth end
  # deletes its peer at once; a deleted namespace takes its ends only later (the kernel cleans
  # namespaces up asynchronously), so the host ends go first, explicitly.
  for veth in "${VETHS[@]}"; do ip link del "$veth" 2>/dev/null; done
  for ns in "${NSS[@]}"; do ip netns del "$ns" 2>/dev/null; done
  ip link del "$BR" 2>/dev/null
  rm -rf "$WORK"
}
# A trapped INT/TERM would otherwise resume the script after cleanup: exit instead (EXIT cleans up).
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

ip link add "$BR" type bridge
ip link set "$BR" up

# host $1 = namespace suffix, $2 = address
add_host() {
  local ns="${PREFIX}$1" addr="$2"
  ip netns add "$ns"
  NSS+=("$ns")
  ip link add "${PREFIX}$1h" type veth peer name "${PREFIX}$1c"
  VETHS+=("${PREFIX}$1h")
  ip link set "${PREFIX}$1c" netns "$ns"
  ip link set "${PREFIX}$1h" master "$BR" up
  ip -n "$ns" addr add "$addr/24" dev "${PREFIX}$1c"
  ip -n "$ns" link set "${PREFIX}$1c" up
  ip -n "$ns" link set lo up
}

add_host b 10.77.0.1
cat > "$WORK/mosquitto.conf" <<CONF
listener 1883 10.77.0.1
allow_anonymous true
set_tcp_nodelay true
persistence false
CONF
ip netns exec "${PREFIX}b" mosquitto -c "$WORK/mosquitto.conf" >"$WORK/mosquitto.log" 2>&1 &
PIDS+=($!)

MEMBERS=""
for i in $(seq 1 "$NODES"); do MEMBERS="$MEMBERS${MEMBERS:+,}n$i"; done
for i in $(seq 1 "$NODES"); do
  add_host "$i" "10.77.0.$((10 + i))"
  mkdir -p "$WORK/n$i"
  cat > "$WORK/n$i.json" <<CONF
{ "Node": { "Id": "n$i", "DataDir": "$WORK/n$i" },
  "Fleet": { "Name": "lab", "Members": [$(echo "$MEMBERS" | sed 's/\([^,]*\)/"\1"/g')] },
  "Mqtt": { "Brokers": ["mqtt://10.77.0.1:1883"] },
  "Gpio": { "Driver": "virtual" } }
CONF
  ip netns exec "${PREFIX}$i" $EDGESYNC run --config "$WORK/n$i.json" --api 127.0.0.1:7070 >"$WORK/n$i.log" 2>&1 &
  PIDS+=($!)
done

api() { local i="$1"; shift; ip netns exec "${PREFIX}$i" curl -fsS --max-time 3 "$@"; }
# field NAME: the first "NAME": string/number/null in the compact JSON on stdin (top-level fields
# come before the "leds" object, which reuses the names leader and partition); prints nothing
# when absent, so every check below also fails when the API did not answer.
field() { grep -o "\"$1\":[^,}]*" | head -n1 | sed "s/^\"$1\"://; s/^\"//; s/\"\$//"; }
status() { api "$1" http://127.0.0.1:7070/v1/status; }
# value NODE NAME: the field of node's /v1/status, or empty if the node did not answer.
value() { local s; s="$(status "$1")" || return 0; field "$2" <<<"$s"; }
wait_for() { # seconds, description, command...
  local deadline=$((SECONDS + $1)) what="$2"; shift 2
  until "$@" >/dev/null 2>&1; do
    if [ $SECONDS -ge $deadline ]; then echo "partition-lab: timed out waiting for $what" >&2; tail -n 20 "$WORK"/n*.log >&2; return 1; fi
    sleep 0.2
  done
  echo "ok: $what"
}
cut_cable() { ip link set "${PREFIX}$1h" down; echo "cable of n$1 pulled"; }
plug_cable() { ip link set "${PREFIX}$1h" up; echo "cable of n$1 re-plugged"; }

for i in $(seq 1 "$NODES"); do wait_for 30 "n$i serving" api "$i" http://127.0.0.1:7070/healthz; done
has_leader() { local l; for i in $(seq 1 "$NODES"); do l="$(value "$i" leader)"; [ -n "$l" ] && [ "$l" != null ] || return 1; done; }
wait_for 30 "a leader everywhere" has_leader

if [ "$DEMO" -eq 0 ]; then
  echo "Fleet up. Namespaces ${PREFIX}1..${PREFIX}$NODES; APIs at 127.0.0.1:7070 inside each."
  echo "  cut:   ip link set ${PREFIX}1h down      re-plug: ip link set ${PREFIX}1h up"
  echo "  query: ip netns exec ${PREFIX}1 curl -s 127.0.0.1:7070/v1/status"
  echo "Ctrl+C tears everything down."
  wait "${PIDS[0]}"
  exit 0
fi

for i in $(seq 1 "$NODES"); do api "$i" -X PUT -H 'Content-Type: application/json' -d "{\"from\":\"n$i\"}" "http://127.0.0.1:7070/v1/kv/lab/before/n$i" >/dev/null; done
count_is() { [ "$(value "$1" keys)" = "$2" ]; }
for i in $(seq 1 "$NODES"); do wait_for 30 "n$i sees $NODES keys" count_is "$i" "$NODES"; done

cut_cable 1
not_healthy() { local p; p="$(value 1 partition)"; [ -n "$p" ] && [ "$p" != healthy ]; }
wait_for 15 "n1 leaves healthy" not_healthy
minority() { local p; p="$(value 1 partition)"; [ "$p" = minority ] || [ "$p" = isolated ]; }
wait_for 15 "n1 reports minority or isolated" minority
other_leader() { local l; l="$(value 2 leader)"; [ -n "$l" ] && [ "$l" != null ] && [ "$l" != n1 ]; }
wait_for 15 "the majority side has a leader other than n1" other_leader
api 1 -X PUT -H 'Content-Type: application/json' -d '{"side":"minority"}' http://127.0.0.1:7070/v1/kv/lab/during/n1 >/dev/null
api 2 -X PUT -H 'Content-Type: application/json' -d '{"side":"majority"}' http://127.0.0.1:7070/v1/kv/lab/during/n2 >/dev/null
echo "ok: both sides accepted writes"

plug_cable 1
healthy() { [ "$(value "$1" partition)" = healthy ]; }
for i in $(seq 1 "$NODES"); do wait_for 30 "n$i healthy again" healthy "$i"; done
total=$((NODES + 2))
for i in $(seq 1 "$NODES"); do wait_for 30 "n$i converged to $total keys" count_is "$i" "$total"; done
one_leader() {
  local first; first="$(value 1 leader)"; [ -n "$first" ] && [ "$first" != null ] || return 1
  for i in $(seq 2 "$NODES"); do [ "$(value "$i" leader)" = "$first" ] || return 1; done
}
wait_for 15 "one leader named by every node" one_leader
# Counts could match by accident: read each side's write back from the other side.
api "$NODES" http://127.0.0.1:7070/v1/kv/lab/during/n1 | grep -q minority || { echo "partition-lab: n$NODES lacks n1's write" >&2; exit 1; }
api 1 http://127.0.0.1:7070/v1/kv/lab/during/n2 | grep -q majority || { echo "partition-lab: n1 lacks n2's write" >&2; exit 1; }
echo "ok: writes from both sides read back across the healed cut"
echo "partition-lab: demo passed"
