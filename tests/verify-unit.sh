#!/usr/bin/env bash
# Checks systemd/edgesync.service offline: `systemd-analyze verify` must pass and the
# `systemd-analyze security` exposure must be at most 2.5. Installs systemd's tools when missing.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v systemd-analyze >/dev/null; then
  echo "verify-unit: installing systemd (for systemd-analyze)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq systemd >/dev/null
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# verify checks that ExecStart's binary exists; point it at one that does, change nothing else.
sed 's:^ExecStart=/usr/local/bin/edgesync :ExecStart=/bin/true :' systemd/edgesync.service > "$tmp/edgesync.service"
grep -q '^ExecStart=/bin/true run --config /etc/edgesync/edgesync.json$' "$tmp/edgesync.service" \
  || { echo "verify-unit: ExecStart is not '/usr/local/bin/edgesync run --config /etc/edgesync/edgesync.json'" >&2; exit 1; }

out="$(systemd-analyze verify "$tmp/edgesync.service" 2>&1)" || { echo "$out" >&2; echo "verify-unit: systemd-analyze verify failed" >&2; exit 1; }
[[ -z "$out" ]] || { echo "$out" >&2; echo "verify-unit: systemd-analyze verify printed warnings" >&2; exit 1; }

# --threshold is in tenths: 25 = exposure 2.5.
sec="$(systemd-analyze security --offline=true --threshold=25 "$tmp/edgesync.service" 2>&1)" && rc=0 || rc=$?
level="$(grep -o 'Overall exposure level for edgesync.service: [0-9.]*' <<<"$sec" | grep -o '[0-9.]*$')"
[[ $rc -eq 0 ]] || { echo "$sec" >&2; echo "verify-unit: exposure ${level:-?} is above 2.5" >&2; exit 1; }
echo "verify-unit: ok — systemd-analyze verify clean, security exposure $level (goal <= 2.5)"
