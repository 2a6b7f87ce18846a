# lib.sh: helpers shared by tests/suite-runtime.sh and tests/runtime/init.sh.
# Sourced; expects BUILD and T (a scratch directory) to be set.

CID=0123456789ABCDEF0123456789ABCDEF-12
failed=0

ok() { echo "ok - $*"; }
notok() { echo "not ok - $*"; failed=1; }

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
	if "$@"; then ok "$desc"; else notok "$desc"; fi
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
