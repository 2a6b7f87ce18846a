#!/usr/bin/env bash
# suite-lint.sh: static analysis (`make lint`: cppcheck and clang-tidy with
# .clang-tidy, zero findings allowed) and the release patcher under
# valgrind, on the example and on inputs it must refuse. Valgrind sees the
# release build (-O2, _FORTIFY_SOURCE) that users run, which the ASan
# builds do not; an error or a leak makes valgrind exit 99.
set -u
cd "$(dirname "$0")/.." || exit 1
BUILD=${BUILD:-build}

failed=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

. tests/lib/tap.sh

# make lint: both tools, as the Makefile runs them.
if ! command -v cppcheck > /dev/null || ! command -v clang-tidy > /dev/null; then
	not_ok "make lint: cppcheck or clang-tidy is not installed"
elif make --no-print-directory lint > "$work/lint" 2>&1; then
	ok "make lint: cppcheck and clang-tidy find nothing"
else
	grep -E 'warning:|error:|\(error\)|\(warning\)' "$work/lint" | sort -u > "$work/findings"
	not_ok "make lint: $(wc -l < "$work/findings") findings" "$work/findings"
fi

patcher=$BUILD/falcon-patcher
if ! command -v valgrind > /dev/null; then
	bail_out "valgrind: not installed"
fi
if [ ! -x "$patcher" ]; then
	bail_out "valgrind: $patcher is not built (run make)"
fi

CID=0123456789ABCDEF0123456789ABCDEF-12
IMAGE=123456789012.dkr.ecr.us-east-1.amazonaws.com/falcon-sensor/falcon-container:0.1.0

# Inputs the patcher must refuse, made here so that each case is one line.
printf 'this is not JSON\n' > "$work/not-json.json"
printf '{"family":"f","family":"g","containerDefinitions":[]}' > "$work/dup.json"
python3 -c 'print("[" * 100 + "]" * 100)' > "$work/deep.json"
python3 - "$work/eleven.json" <<'EOF'
import json, sys
cs = [{"name": "c%d" % i, "image": "i", "entryPoint": ["/e"]} for i in range(10)]
json.dump({"family": "f", "containerDefinitions": cs}, open(sys.argv[1], "w"))
EOF
printf '{"family":"f","containerDefinitions":[{"name":"a","image":"127.0.0.1:9/none:1"}]}' \
	> "$work/lookup.json"

# vg NAME WANT-EXIT [STDIN] -- ARGS...: one valgrind run, one line.
vg() {
	local name=$1 want=$2 stdin=/dev/null
	shift 2
	if [ "$1" != "--" ]; then
		stdin=$1
		shift
	fi
	shift
	valgrind --error-exitcode=99 --leak-check=full --track-fds=no -q \
		"$patcher" "$@" < "$stdin" > "$work/out" 2> "$work/err"
	local rc=$?
	if [ "$rc" -eq 99 ]; then
		not_ok "valgrind: $name: memory errors or leaks" "$work/err"
	elif [ "$rc" -ne "$want" ]; then
		not_ok "valgrind: $name: exit $rc, expected $want" "$work/err"
	else
		ok "valgrind: $name (exit $rc, no errors, no leaks)"
	fi
}

vg "the example" 0 -- -cid "$CID" -image "$IMAGE" \
	-ecs-spec-file examples/taskdefinition.json
vg "the example on stdin, -o FILE" 0 examples/taskdefinition.json -- \
	-cid "$CID" -image "$IMAGE" -ecs-spec -o "$work/patched.json" \
	-secret-arn arn:aws:secretsmanager::532730071073:secret:test \
	-falconctl-opts --trace=info
vg "re-patching the patched example" 0 -- -cid "$CID" -image "$IMAGE" \
	-ecs-spec-file "$work/patched.json"
vg "not JSON" 2 -- -cid "$CID" -image "$IMAGE" -ecs-spec-file "$work/not-json.json"
vg "duplicate keys" 2 -- -cid "$CID" -image "$IMAGE" -ecs-spec-file "$work/dup.json"
vg "100 levels of nesting" 2 -- -cid "$CID" -image "$IMAGE" -ecs-spec-file "$work/deep.json"
vg "11 containers with the init" 2 -- -cid "$CID" -image "$IMAGE" \
	-ecs-spec-file "$work/eleven.json"
vg "a missing file" 2 -- -cid "$CID" -image "$IMAGE" -ecs-spec-file "$work/nonexistent.json"
vg "a bad -cid" 2 -- -cid 0123 -image "$IMAGE" -ecs-spec-file examples/taskdefinition.json
vg "an unknown flag" 2 -- -nope
vg "an image lookup that fails" 3 -- -cid "$CID" -image "$IMAGE" \
	-ecs-spec-file "$work/lookup.json"
exit "$failed"
