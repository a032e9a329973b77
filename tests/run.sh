#!/usr/bin/env bash
# The whole test suite on a fresh Debian/Ubuntu machine (CI runs it as root, with no stdin):
# installs what the tests need when it is missing, then runs `dotnet test EdgeSync.sln -c Release`.
#
#   tests/run.sh [dotnet test args...]     e.g. tests/run.sh --filter FullyQualifiedName~Deploy
#
# Installs (only what is missing; apt-get update only then): mosquitto + mosquitto-clients
# (broker tests), qemu-user-static + the arm64 C, C++, zlib and OpenSSL libraries (the Pi build
# runs under emulation), systemd (systemd-analyze), iproute2 (partition lab), curl. As non-root
# nothing is installed: it says what is missing and the tests that need it fail with a clear
# message. A failed install is reported and does not stop the run, for the same reason.
set -uo pipefail
cd "$(dirname "$0")/.."

log() { echo "tests/run.sh: $*"; }

have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

# The arm64 OpenSSL package is libssl3 on Debian 12 / Ubuntu 22.04 and libssl3t64 later.
have_arm64_ssl() { have_pkg libssl3:arm64 || have_pkg libssl3t64:arm64; }

# Debian's mirrors carry every architecture; Ubuntu's archive has no arm64 (it lives on
# ports.ubuntu.com). Add that source for arm64 once; the archive's 404s for arm64 indexes then
# make `apt-get update` complain, which is tolerated below (amd64 and arm64 lists still load).
add_ubuntu_ports() {
  local id="" codename="" file=/etc/apt/sources.list.d/edgesync-arm64-ports.sources
  # shellcheck disable=SC1091
  [[ -r /etc/os-release ]] && { id="$(. /etc/os-release; echo "${ID:-}")"; codename="$(. /etc/os-release; echo "${VERSION_CODENAME:-}")"; }
  [[ $id == ubuntu && -n $codename && ! -e $file ]] || return 0
  grep -rqs ports.ubuntu.com /etc/apt/sources.list /etc/apt/sources.list.d/ && return 0
  log "Ubuntu: adding ports.ubuntu.com for arm64 ($file)"
  cat > "$file" <<EOF
Types: deb
URIs: http://ports.ubuntu.com/ubuntu-ports
Suites: $codename $codename-updates $codename-security
Components: main universe
Architectures: arm64
EOF
}

install_prerequisites() {
  local need=() arm64=()
  command -v mosquitto >/dev/null || [[ -x /usr/sbin/mosquitto ]] || need+=(mosquitto)
  command -v mosquitto_sub >/dev/null || need+=(mosquitto-clients)
  command -v systemd-analyze >/dev/null || need+=(systemd)
  command -v ip >/dev/null || need+=(iproute2)
  command -v curl >/dev/null || need+=(curl)
  command -v qemu-aarch64-static >/dev/null || need+=(qemu-user-static)
  for lib in libc6:arm64 libstdc++6:arm64 zlib1g:arm64; do have_pkg "$lib" || arm64+=("$lib"); done
  have_arm64_ssl || arm64+=(ssl)

  if [[ ${#need[@]} -eq 0 && ${#arm64[@]} -eq 0 ]]; then
    log "prerequisites present"
    return
  fi
  if [[ $(id -u) -ne 0 ]]; then
    log "not root: NOT installing ${need[*]} ${arm64[*]/ssl/libssl3:arm64}; the tests that need them will fail (run as root to install)"
    return
  fi
  if ! command -v apt-get >/dev/null; then
    log "no apt-get: cannot install ${need[*]} ${arm64[*]/ssl/libssl3:arm64}"
    return
  fi

  export DEBIAN_FRONTEND=noninteractive
  local apt=(apt-get -y -qq -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
  if [[ ${#arm64[@]} -gt 0 ]] && ! dpkg --print-foreign-architectures | grep -qx arm64; then
    dpkg --add-architecture arm64 || log "dpkg --add-architecture arm64 failed"
  fi
  if [[ ${#arm64[@]} -gt 0 ]]; then add_ubuntu_ports; fi
  log "installing: ${need[*]} ${arm64[*]/ssl/libssl:arm64}"
  local started=$SECONDS
  # timeout: a dead mirror must not hang CI; the tests then fail naming what is missing.
  timeout 300 apt-get update -qq </dev/null || log "apt-get update failed (continuing: some sources may be broken)"
  local pkgs=("${need[@]}")
  for p in "${arm64[@]}"; do
    if [[ $p == ssl ]]; then
      if apt-cache show libssl3t64:arm64 >/dev/null 2>&1; then pkgs+=(libssl3t64:arm64); else pkgs+=(libssl3:arm64); fi
    else
      pkgs+=("$p")
    fi
  done
  # All at once first (fast); if that fails, one by one so one broken package costs only its tests.
  if ! timeout 600 "${apt[@]}" install --no-install-recommends "${pkgs[@]}" </dev/null >/dev/null; then
    log "installing all at once failed; trying one by one"
    for p in "${pkgs[@]}"; do
      timeout 300 "${apt[@]}" install --no-install-recommends "$p" </dev/null >/dev/null || log "could not install $p"
    done
  fi
  # The mosquitto package starts a system broker on :1883; the tests start their own on free ports.
  log "installed in $((SECONDS - started)) s"
}

install_prerequisites

if ! command -v dotnet >/dev/null; then
  log "dotnet is not installed (the README's first screen says how); cannot run the tests"
  exit 1
fi

started=$SECONDS
dotnet test EdgeSync.sln -c Release "$@"
rc=$?
if [[ $rc -eq 0 ]]; then
  # With extra arguments (a --filter, say) not every test ran: say which run passed.
  log "PASSED — $([[ $# -eq 0 ]] && echo "all tests" || echo "the tests selected by: $*") in $((SECONDS - started)) s"
else
  log "FAILED (dotnet test exit code $rc) after $((SECONDS - started)) s — see the failures above"
fi
exit $rc
