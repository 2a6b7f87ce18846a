#!/usr/bin/env bash
# suite-unit.sh: runs every unit test program built under ASan+UBSan
# ($BUILD/asan/test_*, from tests/unit/test_*.c) and passes its ok/not ok
# lines through. A sanitizer report (ASan, UBSan, LeakSanitizer) on stderr,
# a non-zero exit, or a test source without a built program is a "not ok"
# of its own, so nothing the sanitizers see can pass silently.
set -u
cd "$(dirname "$0")/.." || exit 1
BUILD=${BUILD:-build}
. tests/lib/tap.sh

# Leaks are findings; stop at the first UBSan report (the build already
# makes them fatal, this covers a build without -fno-sanitize-recover).
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:strict_string_checks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

failed=0
err=$(mktemp)
out=$(mktemp)
trap 'rm -f "$err" "$out"' EXIT

for src in tests/unit/test_*.c; do
	[ -e "$src" ] || continue
	name=$(basename "$src" .c)
	bin=$BUILD/asan/$name
	if [ ! -x "$bin" ]; then
		not_ok "unit $name: $bin is not built (run make check)"
		continue
	fi
	echo "# unit $name"
	"$bin" > "$out" 2> "$err"
	rc=$?
	# The program's own lines, as they are; anything else becomes a
	# diagnostic so that tests/run counts only real results.
	sed -e '/^ok - /b' -e '/^not ok - /b' -e '/^#/b' -e 's/^/# /' "$out"
	grep -q '^not ok - ' "$out" && failed=1
	if grep -Eq 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:|SUMMARY: [A-Za-z]+Sanitizer' "$err"; then
		not_ok "unit $name: sanitizer report"
		head -c 6000 "$err" | sed 's/^/#   /'
	elif [ "$rc" -ne 0 ] && ! grep -q '^not ok - ' "$out"; then
		not_ok "unit $name: exited $rc without a failed check"
		head -c 4000 "$err" | sed 's/^/#   /'
	elif [ -s "$err" ]; then
		sed 's/^/# stderr: /' "$err" | head -n 40
	fi
done
exit "$failed"
