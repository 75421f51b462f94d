#!/usr/bin/env bash
# Full crash test: SIGKILLs katib-sa at random moments of batches over a few thousand files and
# checks that every file is its original or its complete patched version (see
# Tests/KatibSACLITests/CrashTests.swift).
#
#   Tests/Scripts/crash-test.sh [KILLS] [FILES]      (defaults 25 and 3000)
#
# SCRATCH selects the build directory (default: .build).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export KATIB_SA_CRASH_TEST=1
export KATIB_SA_CRASH_KILLS="${1:-25}"
export KATIB_SA_CRASH_FILES="${2:-3000}"
swift test --package-path "$root" --scratch-path "${SCRATCH:-$root/.build}" --filter CrashTests 2>&1 |
  grep -E "crash test:|✘|Issue|passed|failed"
