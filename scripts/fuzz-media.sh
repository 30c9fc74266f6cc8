#!/usr/bin/env bash
# scripts/fuzz-media.sh [--seconds N] [--record NAME] [--note TEXT] [--help]
# Fuzzes fastav_media's decode entry points with libFuzzer (Debian's clang-14; libclang-rt-14-dev brings the fuzzer,
# AddressSanitizer and UBSan runtimes; scripts/setup.sh installs both): builds src/native/fastav_media/fuzz/fam_fuzz.c
# with the shim's sources instrumented (FFmpeg is the system's, uninstrumented: its own reads are checked only through
# ASan's allocator and interceptors), makes seeds with the ffmpeg CLI (make_seeds.py: H.264 and HEVC with B-frames,
# MJPEG, raw pictures, PCM, AAC, Opus), replays every input in fuzz/regressions/ (each once crashed the shim), then
# fuzzes for N seconds (default 20: the bounded CI run). Exit 0 when nothing crashed; 1 on a crash (its input is kept
# under .build/fuzz/ and named in the output); 2 for bad arguments; 3 when the build or the seeds fail.
# --record NAME writes benchmarks/results/fuzz-NAME.json and .md (executions, crashes, machine, date).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
seconds=20
record=""
note=""
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="${2:?--seconds needs a value}"; shift 2 ;;
    --record) record="${2:?--record needs a name}"; shift 2 ;;
    --note) note="${2:?--note needs text}"; shift 2 ;;
    --help|-h) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "fuzz-media.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
[[ "$seconds" =~ ^[0-9]+$ ]] && [ "$seconds" -ge 1 ] || { echo "fuzz-media.sh: --seconds must be a whole number >= 1" >&2; exit 2; }

src="$root/src/native/fastav_media"
work="$root/.build/fuzz"
mkdir -p "$work/corpus" "$work/artifacts"
clang="$(command -v clang-14 || command -v clang || true)"
if [ -z "$clang" ]; then echo "fuzz-media.sh: clang-14 is missing (apt-get install clang-14 libclang-rt-14-dev; scripts/setup.sh does)" >&2; exit 3; fi
libs="$(pkg-config --libs libavcodec libavformat libavutil libswscale libswresample)"
echo "fuzz: building fam_fuzz (libFuzzer + ASan + UBSan)"
# shellcheck disable=SC2086
"$clang" -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -Wall -Werror -Wno-deprecated-declarations \
  "$src/fuzz/fam_fuzz.c" "$src/fam_error.c" "$src/fam_video.c" "$src/fam_audio.c" "$src/fam_source.c" $libs -o "$work/fam_fuzz" \
  || { echo "fuzz-media.sh: build failed (libclang-rt-14-dev installed?)" >&2; exit 3; }
python3 "$src/fuzz/make_seeds.py" "$work/seeds" || { echo "fuzz-media.sh: seeds failed" >&2; exit 3; }

export ASAN_OPTIONS="detect_leaks=1:allocator_may_return_null=1"
echo "fuzz: replaying $(find "$src/fuzz/regressions" -type f | wc -l) regression input(s)"
"$work/fam_fuzz" -runs=1 "$src"/fuzz/regressions/* > "$work/regressions.log" 2>&1 || {
  tail -n 40 "$work/regressions.log" >&2; echo "fuzz-media.sh: a regression input crashes again" >&2; exit 1; }

echo "fuzz: ${seconds} s"
log="$work/fuzz.log"
rm -f "$work"/artifacts/*
set +e
"$work/fam_fuzz" -max_total_time="$seconds" -max_len=16384 -timeout=20 -rss_limit_mb=2560 -print_final_stats=1 \
  -artifact_prefix="$work/artifacts/" "$work/corpus" "$work/seeds" > "$log" 2>&1
status=$?
set -e
stat() { sed -n "s/^stat::$1: *//p" "$log" | tail -n 1; }
runs="$(stat number_of_executed_units)"; rate="$(stat average_exec_per_sec)"; added="$(stat new_units_added)"; rss="$(stat peak_rss_mb)"
cov="$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2)"
crashes=$(find "$work/artifacts" -type f | wc -l)
echo "fuzz: ${runs:-0} executions (${rate:-0}/s), ${added:-0} new inputs, coverage ${cov:-0} edges of the shim, peak RSS ${rss:-?} MB, ${crashes} crash(es)"
if [ "$status" -ne 0 ] || [ "$crashes" -gt 0 ]; then
  grep -A 30 "ERROR:" "$log" | head -n 40 >&2 || true
  echo "fuzz-media.sh: crash (exit $status); input(s): $(find "$work/artifacts" -type f | tr '\n' ' ')" >&2
fi

if [ -n "$record" ]; then
  out="$root/benchmarks/results/fuzz-$record"
  python3 - "$out" "$seconds" "${runs:-0}" "${rate:-0}" "${added:-0}" "${cov:-0}" "${rss:-0}" "$crashes" "$status" "$note" "$src/fuzz/regressions" <<'PY'
import datetime, json, os, platform, sys
out, seconds, runs, rate, added, cov, rss, crashes, status, note, regressions = sys.argv[1:]
load = open("/proc/loadavg").read().split()[:3] if os.path.exists("/proc/loadavg") else []
r = {
    "date": datetime.date.today().isoformat(),
    "machine": f"{os.cpu_count()} cores, {platform.machine()}, {platform.platform()}; load average at the end {', '.join(load)}",
    "harness": "src/native/fastav_media/fuzz/fam_fuzz.c (libFuzzer, ASan, UBSan; clang-14); FFmpeg 5.1 uninstrumented",
    "seconds": int(seconds), "executions": int(runs), "executions_per_second": int(rate), "new_inputs": int(added),
    "coverage_edges_of_the_shim": int(cov), "peak_rss_mb": int(rss), "crashes": int(crashes), "libfuzzer_exit": int(status),
    "regression_inputs_replayed": sorted(os.listdir(regressions)), "note": note,
}
json.dump(r, open(out + ".json", "w"), indent=2)
md = [f"# Fuzzing fastav_media: {r['executions']:,} executions in {r['seconds']} s, {r['crashes']} crash(es)", "",
      f"{r['date']}, {r['machine']}.", "", f"Harness: {r['harness']}; seeds from the ffmpeg CLI (make_seeds.py).", "",
      "| executions | per second | new inputs | shim edges covered | peak RSS | crashes |", "|---:|---:|---:|---:|---:|---:|",
      f"| {r['executions']:,} | {r['executions_per_second']:,} | {r['new_inputs']:,} | {r['coverage_edges_of_the_shim']} | {r['peak_rss_mb']} MB | {r['crashes']} |", "",
      "Regression inputs replayed first (each crashed the shim once; fixed): " + ", ".join(f"`{n}`" for n in r["regression_inputs_replayed"]) + "."]
if note:
    md += ["", note]
open(out + ".md", "w").write("\n".join(md) + "\n")
print(f"fuzz: recorded {out}.json and .md")
PY
fi
[ "$status" -eq 0 ] && [ "$crashes" -eq 0 ] || exit 1
