#!/usr/bin/env bash
# Builds the libFuzzer target (Sources/KatibSAFuzz) with AddressSanitizer and runs it.
#
#   Tests/Scripts/fuzz.sh [SECONDS] [extra libFuzzer flags...]
#
# SECONDS defaults to 60. The working corpus lives in $KATIB_SA_FUZZ_DIR (default
# /tmp/katib-sa-fuzz); it is seeded from Tests/Goldens, Examples, Tests/Goldens/fuzz-regressions
# and, when present, ../shared/corpus/{katib,yaml-test-suite}. Crashes are written to
# $KATIB_SA_FUZZ_DIR/artifacts/. Exits 0 when the run found nothing, 1 when it found a problem,
# and 0 with a message ("skipped") when this toolchain cannot build with --sanitize=fuzzer.
set -u
seconds="${1:-60}"
shift || true
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work="${KATIB_SA_FUZZ_DIR:-/tmp/katib-sa-fuzz}"
# A dedicated folder below KATIB_SA_FUZZ_SCRATCH (default: the work folder), removed before each build.
scratch="${KATIB_SA_FUZZ_SCRATCH:-$work}/katib-sa-fuzz-build"
corpus="$work/corpus"
seeds="$work/seeds"
artifacts="$work/artifacts"
mkdir -p "$corpus" "$seeds" "$artifacts"

echo "fuzz: building katib-sa-fuzz (release, fuzzer + address sanitizers) in $scratch"
# The coverage flags are spelled out, and the linker keeps every section: without them the
# library modules were at times built or linked without their coverage counters, and libFuzzer
# then fuzzes blind ("no interesting inputs"). The probe below checks the result.
build=(swift build --package-path "$root" --scratch-path "$scratch" -c release
  --sanitize=fuzzer --sanitize=address
  -Xswiftc -sanitize-coverage=edge,inline-8bit-counters,pc-table,trace-cmp
  -Xlinker --no-gc-sections --product katib-sa-fuzz)
# Always from scratch, so that no object built with other flags is reused.
rm -rf "$scratch"
if ! KATIB_SA_FUZZ=1 "${build[@]}" >"$work/build.log" 2>&1; then
  if grep -qiE "fuzzer|sanitizer|unsupported|libclang_rt" "$work/build.log"; then
    echo "fuzz: skipped: this toolchain cannot build with --sanitize=fuzzer (see $work/build.log)"
    tail -n 5 "$work/build.log"
    exit 0
  fi
  echo "fuzz: build failed:"
  tail -n 40 "$work/build.log"
  exit 2
fi
binary="$(KATIB_SA_FUZZ=1 "${build[@]}" --show-bin-path)/katib-sa-fuzz"

# The binary must report coverage, or libFuzzer mutates blind and a quiet run proves nothing.
probe="$work/probe-corpus"
rm -rf "$probe" && mkdir -p "$probe" && printf 'a: [b, {c: d}]\n' >"$probe/seed"
if ! SWIFT_BACKTRACE=enable=no "$binary" -runs=10 "$probe" 2>&1 | grep -qE 'INITED cov: [1-9]'; then
  echo "fuzz: the target has no coverage instrumentation; not fuzzing"
  exit 2
fi

# Seeds: copied under content-derived names, so re-running does not pile up duplicates.
seed_dirs=("$root/Tests/Goldens" "$root/Examples" "$root/../shared/corpus/katib")
for dir in "${seed_dirs[@]}"; do
  [ -d "$dir" ] || continue
  find "$dir" -type f \( -name '*.yaml' -o -name '*.yml' -o -name '*.json' \) -size -256k -print0 |
    while IFS= read -r -d '' file; do
      cp "$file" "$seeds/$(cksum <"$file" | tr ' ' '-')"
    done
done
if [ -d "$root/../shared/corpus/yaml-test-suite" ]; then
  find "$root/../shared/corpus/yaml-test-suite" -name in.yaml -print0 |
    while IFS= read -r -d '' file; do cp "$file" "$seeds/$(cksum <"$file" | tr ' ' '-')"; done
fi
regressions=()
[ -d "$root/Tests/Goldens/fuzz-regressions" ] && regressions=("$root/Tests/Goldens/fuzz-regressions")

echo "fuzz: running for ${seconds}s on $(ls "$seeds" | wc -l) seeds, corpus $corpus"
# SWIFT_BACKTRACE=enable=no: with the Swift backtracer on, a crash hangs for minutes.
SWIFT_BACKTRACE=enable=no ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}" \
  "$binary" "$corpus" "$seeds" "${regressions[@]}" \
  -dict="$root/Tests/Fuzz/yaml.dict" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
  -max_len=65536 -artifact_prefix="$artifacts/" -print_final_stats=1 "$@" 2>&1 | tee "$work/fuzz.log" |
  grep -vE '^#[0-9]+\s+(NEW|REDUCE|pulse)' 
status="${PIPESTATUS[0]}"
if [ "$status" -ne 0 ]; then
  echo "fuzz: FOUND A PROBLEM (exit $status); inputs in $artifacts:"
  ls -la "$artifacts"
  exit 1
fi
echo "fuzz: no problem found"
