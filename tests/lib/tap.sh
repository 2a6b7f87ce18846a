# tests/lib/tap.sh: helpers the test suites share (sourced, not run).

# not_ok DESCRIPTION [DIAGNOSTIC...]: reports a failed test. A diagnostic that
# names a file shows the file's start; anything else is printed as text. Each
# diagnostic line starts with "#", so tests/run never mistakes it for a
# result. Sets failed=1 for the suite's exit status.
not_ok() {
	local d
	echo "not ok - $1"
	shift
	for d in "$@"; do
		if [ -f "$d" ]; then
			head -c 4000 "$d" | sed 's/^/#   /'
			echo
		else
			printf '%s\n' "$d" | sed 's/^/# /'
		fi
	done
	failed=1
}

# layout_value MACRO: the string common/layout.h defines, so that tests follow
# the one place that names the launcher, the volume and the rest.
layout_value() {
	printf '#include "layout.h"\n%s\n' "$1" | ${CC:-cc} -E -P -Icommon -x c - |
		tail -n 1 | python3 -c 'import ast, sys; print(ast.literal_eval(sys.stdin.read()))'
}
