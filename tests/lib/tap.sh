# tests/lib/tap.sh: the TAP helpers every test suite uses (sourced, not
# run), and what they share besides.
#
# A suite prints one line per check, TAP without numbers:
#   ok - NAME                 the check passed
#   not ok - NAME             it failed (the suite then exits non-zero)
#   ok - NAME # SKIP WHY      it cannot run on this machine
#   Bail out! WHY             setup failed: nothing after it can run
# and diagnostics on lines starting with "#". tests/run counts the first
# three and counts a bail-out as one failure; a setup step that succeeds
# prints nothing, so that only real checks are counted.

# ok NAME: a check passed.
ok() {
	echo "ok - $*"
}

# not_ok NAME [DIAGNOSTIC...]: a check failed; each diagnostic is shown
# by tap_diag. Sets failed=1 for the suite's exit status.
not_ok() {
	local d
	echo "not ok - $1"
	shift
	for d in "$@"; do
		tap_diag "$d"
	done
	failed=1
}

# skip NAME WHY: a check that cannot run here, and why.
skip() {
	echo "ok - $1 # SKIP $2"
}

# bail_out WHY [DIAGNOSTIC...]: a setup step failed and nothing after it
# can run; exits the suite (its EXIT trap cleans up).
bail_out() {
	local d
	echo "Bail out! $1"
	shift
	for d in "$@"; do
		tap_diag "$d"
	done
	exit 1
}

# tap_diag DIAGNOSTIC: one diagnostic of not_ok or bail_out. A diagnostic
# that names a file shows the file's start; anything else is printed as
# text. Each line starts with "#", so tests/run never mistakes it for a
# result. A suite with diagnostics of its own kind redefines this after
# sourcing the file, and may call tap_diag_text.
tap_diag() {
	if [ -f "$1" ]; then
		head -c 4000 "$1" | sed 's/^/#   /'
		echo
	else
		tap_diag_text "$1"
	fi
}

tap_diag_text() {
	printf '%s\n' "$1" | sed 's/^/# /'
}

# layout_value MACRO: the string common/layout.h defines, so that tests follow
# the one place that names the launcher, the volume and the rest.
layout_value() {
	printf '#include "layout.h"\n%s\n' "$1" | ${CC:-cc} -E -P -Icommon -x c - |
		tail -n 1 | python3 -c 'import ast, sys; print(ast.literal_eval(sys.stdin.read()))'
}
