#!/usr/bin/env bash
# suite-fuzz.sh: runs each libFuzzer target ($BUILD/fuzz/fuzz_*, from
# tests/fuzz/fuzz_*.c) on its seed corpus for a bounded time, FUZZ_SECONDS
# each (default 20). Any crash, leak, sanitizer report or hang is a
# "not ok" that prints the path of the input that caused it; rerun it with
# `$BUILD/fuzz/fuzz_NAME PATH`. The seed corpus is not modified: new inputs
# go to a scratch copy.
set -u
cd "$(dirname "$0")/.." || exit 1
BUILD=${BUILD:-build}
FUZZ_SECONDS=${FUZZ_SECONDS:-20}
. tests/lib/tap.sh

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
# The fuzz build lets UBSan recover; this makes its reports crashes.
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

failed=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
artifacts=$BUILD/fuzz/artifacts
mkdir -p "$artifacts"

for src in tests/fuzz/fuzz_*.c; do
	[ -e "$src" ] || continue
	name=$(basename "$src" .c)
	bin=$BUILD/fuzz/$name
	if [ ! -x "$bin" ]; then
		not_ok "fuzz $name: $bin is not built (run make check)"
		continue
	fi
	seeds=tests/fuzz/corpus/$name
	if [ ! -d "$seeds" ] || [ -z "$(ls -A "$seeds")" ]; then
		not_ok "fuzz $name: no seed corpus in $seeds"
		continue
	fi
	mkdir -p "$work/$name"
	args=(-max_total_time="$FUZZ_SECONDS" -timeout=10 -print_final_stats=1
	      -artifact_prefix="$artifacts/$name-")
	[ -f "tests/fuzz/$name.dict" ] && args+=(-dict="tests/fuzz/$name.dict")
	log=$work/$name.log
	"$bin" "${args[@]}" "$work/$name" "$seeds" > "$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
	if [ "$rc" -eq 0 ]; then
		ok "fuzz $name: ${runs:-?} runs in ${FUZZ_SECONDS} s (${speed:-?}/s), no finding"
		continue
	fi
	input=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
	not_ok "fuzz $name: exited $rc; input: ${input:-none written}"
	grep -E 'ERROR|runtime error|SUMMARY|==[0-9]+==|^    #[0-9]|refused|differ|changed' "$log" |
		head -n 40 | sed 's/^/#   /'
	[ -n "$input" ] && echo "# reproduce: $bin $input"
done
exit "$failed"
