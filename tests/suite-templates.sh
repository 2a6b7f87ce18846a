#!/usr/bin/env bash
# suite-templates.sh: the golden table for task definitions that live inside
# something else: CloudFormation templates (-cfn-template, JSON and YAML,
# hand-written and CDK-synthesized) and bare container definition arrays
# (-container-definitions). One directory per case under tests/templates/
# (tests/templates/README.md); each runs through the release and the
# ASan+UBSan builds, is patched again to check that nothing changes, and its
# output is re-read by tests/lib/cfn_check.py and compared with the input
# (unchanged outside the task definitions) and with the plain
# -ecs-spec-file path (the same patch inside them).
set -u
cd "$(dirname "$0")/.." || exit 1
BUILD=${BUILD:-build}

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

failed=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Image lookups must fail the same everywhere: no credentials of the user's.
export DOCKER_CONFIG=$work/no-docker-config

. tests/lib/tap.sh

CID=8E9B2D4C1F3A4E6B9C0D1E2F3A4B5C6D-7A
IMAGE=123456789012.dkr.ecr.us-east-1.amazonaws.com/falcon-sensor/falcon-container:7.18.0-5902

# case_args DIR INPUT -> the flags in $args: -cid, -image, then the case's
# own (one per line, @IN@ standing for INPUT).
case_args() {
	local dir=$1 input=$2 a
	local -a raw=()
	args=(-cid "$CID" -image "$IMAGE")
	if [ -f "$dir/args" ]; then
		mapfile -t raw < "$dir/args"
	fi
	for a in "${raw[@]}"; do
		args+=("${a//@IN@/$input}")
	done
}

# check NAME DIR BIN INPUT FIRST -> 0 when the run matches the case.
check() {
	local name=$1 dir=$2 bin=$3 input=$4 first=$5 problems=() rc
	local tmp=$work/$name
	mkdir -p "$tmp"
	case_args "$dir" "$input"
	"$bin" "${args[@]}" > "$tmp/stdout" 2> "$tmp/stderr" < /dev/null
	rc=$?
	grep -qE 'Sanitizer|runtime error:' "$tmp/stderr" && problems+=("sanitizer report on stderr")
	if [ -f "$dir/out" ]; then
		[ "$rc" -eq 0 ] || problems+=("exit $rc, expected 0")
		if ! cmp -s "$tmp/stdout" "$dir/out"; then
			problems+=("output differs from out:")
			diff -u "$dir/out" "$tmp/stdout" | head -60 > "$tmp/diff"
		fi
		if [ "$first" -eq 1 ] && [ ! -f "$dir/stderr" ] && [ -s "$tmp/stderr" ]; then
			problems+=("unexpected stderr (add a stderr file if it is meant)")
		fi
	else
		want=$(head -n1 "$dir/exit")
		[ "$rc" -eq "$want" ] || problems+=("exit $rc, expected $want")
		[ -s "$tmp/stdout" ] && problems+=("stdout not empty on error")
		[ "$(wc -l < "$tmp/stderr")" -le 1 ] || problems+=("more than one line on stderr")
		grep -q '^falcon-patcher: ' "$tmp/stderr" || problems+=("no falcon-patcher: message")
	fi
	if [ "$first" -eq 1 ] && [ -f "$dir/stderr" ]; then
		while IFS= read -r line; do
			[ -n "$line" ] || continue
			grep -qF -- "$line" "$tmp/stderr" || problems+=("stderr lacks: $line")
		done < "$dir/stderr"
	fi
	[ ${#problems[@]} -eq 0 ] && return 0
	local -a diag=("${problems[@]}")
	[ -f "$tmp/diff" ] && diag+=("$tmp/diff")
	[ -s "$tmp/stderr" ] && diag+=("stderr was:" "$tmp/stderr")
	label="template $name"
	[ "$first" -eq 1 ] || label="template $name re-patch is identical"
	not_ok "$label ($variant)" "${diag[@]}"
	rm -f "$tmp/diff"
	return 1
}

cases=0
for dir in tests/templates/*/; do
	dir=${dir%/}
	name=$(basename "$dir")
	input=$(ls "$dir"/in.* 2> /dev/null | head -n1)
	if [ -z "$input" ] || { [ ! -f "$dir/out" ] && [ ! -f "$dir/exit" ]; }; then
		not_ok "template $name" "case needs an in.* and an out or exit file"
		continue
	fi
	cases=$((cases + 1))
	for variant in release asan; do
		bin=$BUILD/falcon-patcher
		[ "$variant" = asan ] && bin=$BUILD/asan/falcon-patcher
		if [ ! -x "$bin" ]; then
			not_ok "template $name ($variant)" "$bin is not built"
			continue
		fi
		check "$name" "$dir" "$bin" "$input" 1 && ok "template $name ($variant)"
		[ -f "$dir/out" ] || continue
		# The patched output, patched again, is the same output.
		cp "$dir/out" "$work/$name.again.${input##*.}"
		check "$name" "$dir" "$bin" "$work/$name.again.${input##*.}" 0 &&
			ok "template $name re-patch is identical ($variant)"
	done
	[ -f "$dir/out" ] || continue
	# Re-read: the same outside the task definitions, the plain path's
	# patch inside them.
	cp "$dir/out" "$work/$name.out.${input##*.}"
	case_args "$dir" "$input"
	if report=$(python3 tests/lib/cfn_check.py "$BUILD/falcon-patcher" "$input" \
		"$work/$name.out.${input##*.}" "${args[@]}" 2>&1); then
		ok "template $name agrees with its input and the plain path"
	else
		not_ok "template $name agrees with its input and the plain path" "$report"
	fi
done
[ "$cases" -gt 0 ] || not_ok "template table" "no cases under tests/templates/"
echo "# $cases template cases"
exit "$failed"
