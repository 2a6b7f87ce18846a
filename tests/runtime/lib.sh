# lib.sh: helpers shared by tests/suite-runtime.sh, tests/suite-sensor.sh,
# tests/suite-rules.sh and tests/runtime/init.sh. Sourced; expects BUILD to
# be set, and T (a scratch directory; runtime_scratch makes one) before the
# helpers run.

# shellcheck source=tests/lib/tap.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/tap.sh"

CID=0123456789ABCDEF0123456789ABCDEF-12
failed=0

# runtime_scratch NAME: T becomes a fresh /tmp/fc-NAME.XXXXXX, readable by
# the test users, removed on exit (KEEP_SCRATCH=1 keeps it) after killing
# the background jobs the suite adds to jobs_to_kill; no core files.
runtime_scratch() {
	T=$(mktemp -d "/tmp/fc-$1.XXXXXX") || return 1
	chmod 755 "$T"
	jobs_to_kill=()
	trap runtime_cleanup EXIT
	ulimit -S -c 0
}
# shellcheck disable=SC2317 # called by the trap
runtime_cleanup() {
	local p
	for p in "${jobs_to_kill[@]}"; do kill -9 "$p" 2>/dev/null; done
	[ -n "${KEEP_SCRATCH:-}" ] || rm -rf "$T"
}

# scratch_outside_tmp NAME: prints a fresh directory NAME.XXXXXX (mode 755)
# outside /tmp, /var/tmp and /dev/shm, where exec-from-tmp would fire on
# every program run from it: below BUILD unless the checkout itself is
# there (CI may clone below /tmp), else /run or /var/lib. The caller
# removes it.
scratch_outside_tmp() {
	local base d
	for base in "$BUILD" /run /var/lib; do
		case $(cd "$base" 2>/dev/null && pwd)/ in
		/ | /tmp/* | /var/tmp/* | /dev/shm/*) continue ;;
		esac
		d=$(mktemp -d "$base/$1.XXXXXX") || continue
		chmod 755 "$d"
		(cd "$d" && pwd)
		return 0
	done
	return 1
}

# diag FILE...: a failed test's evidence, as diagnostics.
diag() {
	local f
	for f in "$@"; do
		[ -e "$f" ] || continue
		echo "# --- $f"
		head -c 3000 "$f" | sed 's/^/#   /'
	done
}

# check DESC CMD...: ok when CMD succeeds.
check() {
	local desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}

# The JSON array of strings for the arguments, as the patcher writes it
# (UTF-8 as it is; the tests use no control characters besides these).
json_strv() {
	local a sep=
	printf '['
	for a in "$@"; do
		a=${a//\\/\\\\}
		a=${a//\"/\\\"}
		a=${a//$'\n'/\\n}
		a=${a//$'\t'/\\t}
		printf '%s"%s"' "$sep" "$a"
		sep=,
	done
	printf ']\n'
}
