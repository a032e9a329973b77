#!/usr/bin/env bash
# Proves the Pi build runs: installs qemu-user-static and the arm64 C libraries when missing
# (idempotent), publishes artifacts/linux-arm64/edgesync if absent (or with --build), checks it
# is an aarch64 ELF, and runs `edgesync --version` under qemu-aarch64-static.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=artifacts/linux-arm64/edgesync
BUILD=0
for arg in "$@"; do
  case "$arg" in
    --build) BUILD=1 ;;
    -h|--help) echo "Usage: tests/arm64-smoke.sh [--build]"; exit 0 ;;
    *) echo "arm64-smoke: unknown option '$arg'" >&2; exit 2 ;;
  esac
done

as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo -n "$@"; fi; }

need=()
command -v qemu-aarch64-static >/dev/null || need+=(qemu-user-static)
for lib in libc6:arm64 libstdc++6:arm64 zlib1g:arm64; do
  dpkg-query -W -f='${Status}' "$lib" 2>/dev/null | grep -q "install ok installed" || need+=("$lib")
done
# OpenSSL: .NET's crypto (used on the first write) loads it at run time; "No usable version of
# libssl was found" and SIGABRT without it.
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
installed libssl3:arm64 || installed libssl3t64:arm64 || need+=(libssl3:arm64)
if [[ ${#need[@]} -gt 0 ]]; then
  echo "arm64-smoke: installing ${need[*]}"
  dpkg --print-foreign-architectures | grep -qx arm64 || as_root dpkg --add-architecture arm64
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

if [[ $BUILD -eq 1 || ! -x $BIN ]]; then
  ./publish.sh --rid linux-arm64
fi

# e_machine at offset 18 of the ELF header: 0xb7 = EM_AARCH64.
machine="$(od -An -tx1 -j18 -N1 "$BIN" | tr -d ' ')"
[[ "$machine" == "b7" ]] || { echo "arm64-smoke: $BIN is not an aarch64 ELF (e_machine=0x$machine)" >&2; exit 1; }

start=$(date +%s%N)
out="$(qemu-aarch64-static "$BIN" --version 2>&1)" || { echo "arm64-smoke: '$BIN --version' failed under qemu: $out" >&2; exit 1; }
ms=$(( ($(date +%s%N) - start) / 1000000 ))
# --version prints the version alone (System.CommandLine): 1.2.3, maybe +commit.
[[ "$out" =~ ^[0-9]+\.[0-9]+\.[0-9]+ ]] || { echo "arm64-smoke: unexpected --version output: $out" >&2; exit 1; }
echo "arm64-smoke: ok — '$out' in ${ms} ms under qemu-aarch64-static ($(du -h "$BIN" | cut -f1))"
