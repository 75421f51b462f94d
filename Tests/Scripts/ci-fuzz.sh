#!/usr/bin/env bash
# A short fuzz pass for CI (about 60 seconds of fuzzing after the build).
#
#   Tests/Scripts/ci-fuzz.sh [SECONDS]
#
# Skips with a message, and exit status 0, when the toolchain cannot build with
# --sanitize=fuzzer (for example a toolchain without libFuzzer's runtime). Fails (exit 1) when
# the fuzzer finds a crash, a leak, a hang or a broken property; the input is printed in hex so
# that it can be added under Tests/Goldens/fuzz-regressions/.
set -u
seconds="${1:-60}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/katib-sa-ci-fuzz.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# A quick probe first: can this toolchain link a fuzzer at all?
probe="$work/probe"
mkdir -p "$probe/Sources/probe"
cat >"$probe/Package.swift" <<'SWIFT'
// swift-tools-version: 5.9
import PackageDescription
let package = Package(name: "probe", targets: [.executableTarget(name: "probe")])
SWIFT
cat >"$probe/Sources/probe/Entry.swift" <<'SWIFT'
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt { 0 }
SWIFT
if ! swift build --package-path "$probe" --sanitize=fuzzer >"$work/probe.log" 2>&1; then
  echo "ci-fuzz: skipped: this toolchain cannot build with --sanitize=fuzzer:"
  tail -n 3 "$work/probe.log"
  exit 0
fi

KATIB_SA_FUZZ_DIR="$work/fuzz" KATIB_SA_FUZZ_SCRATCH="${KATIB_SA_FUZZ_SCRATCH:-$root/.build/fuzz}" \
  "$root/Tests/Scripts/fuzz.sh" "$seconds"
status=$?
if [ "$status" -eq 1 ]; then
  for file in "$work"/fuzz/artifacts/*; do
    [ -f "$file" ] || continue
    echo "ci-fuzz: $(basename "$file") ($(wc -c <"$file") bytes):"
    od -An -tx1 "$file" | head -n 40
  done
fi
exit "$status"
