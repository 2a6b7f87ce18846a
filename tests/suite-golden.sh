#!/usr/bin/env bash
# suite-golden.sh: the patcher's golden table. Each directory under
# tests/golden/ is one case (flags, input, expected output or exit code);
# this one runner drives them all, through the release build and through the
# ASan+UBSan build. tests/golden/README.md describes the case format.
set -u
cd "$(dirname "$0")/.." || exit 1
BUILD=${BUILD:-build}

# Leaks count as failures too; halt on the first UBSan report.
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

failed=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# No registry credentials from whoever runs the tests: the cases that need an
# image lookup name a closed loopback port and must fail the same everywhere.
export DOCKER_CONFIG=$work/no-docker-config

. tests/lib/tap.sh

# run_patcher BIN CASEDIR INPUT TMP -> $TMP/stdout, $TMP/stderr, $TMP/rc,
# and $TMP/outfile when the case has an `outfile` marker.
# INPUT is the definition to patch (empty when the case has none).
run_patcher() {
	local bin=$1 dir=$2 input=$3 tmp=$4
	local -a args=() raw=()
	local spec_given=0 stdin=/dev/null

	if [ -f "$dir/args" ]; then
		mapfile -t raw < "$dir/args"
	fi
	for a in "${raw[@]}"; do
		a=${a//@IN@/$input}
		a=${a//@DIR@/$dir}
		a=${a//@TMP@/$tmp}
		# -ecs-spec, -ecs-spec-file, --ecs-spec=..., the guide's en dash.
		case $a in *ecs-spec*) spec_given=1 ;; esac
		args+=("$a")
	done
	if [ -n "$input" ]; then
		stdin=$input
		[ "$spec_given" -eq 1 ] || args+=(-ecs-spec-file "$input")
	fi
	# A fresh scratch directory for each run (the generated input stays).
	find "$tmp" -mindepth 1 -maxdepth 1 ! -name in.json -exec rm -rf {} +
	[ -e "$dir/outfile" ] && args+=(-o "$tmp/outfile")
	"$bin" "${args[@]}" < "$stdin" > "$tmp/stdout" 2> "$tmp/stderr"
	echo $? > "$tmp/rc"
}

# check_run NAME CASEDIR TMP VARIANT FIRST -> 0 if the run in TMP matches the
# case. FIRST=1 for the run on the case's input, 0 for the re-patch of its
# expected output (whose stderr notes may legitimately differ).
check_run() {
	local name=$1 dir=$2 tmp=$3 variant=$4 first=$5
	local rc want got problems=()

	rc=$(cat "$tmp/rc")
	if grep -qE 'Sanitizer|runtime error:' "$tmp/stderr"; then
		problems+=("sanitizer report on stderr")
	fi
	if [ -f "$dir/out.json" ]; then
		[ "$rc" -eq 0 ] || problems+=("exit $rc, expected 0")
		got=$tmp/stdout
		if [ -e "$dir/outfile" ]; then
			[ -s "$tmp/stdout" ] && problems+=("stdout not empty with -o")
			got=$tmp/outfile
		fi
		if [ ! -f "$got" ]; then
			problems+=("no output file written")
		elif ! cmp -s "$got" "$dir/out.json"; then
			problems+=("output differs from out.json:")
			diff -u "$dir/out.json" "$got" | head -60 > "$tmp/diff"
		fi
		if [ "$first" -eq 1 ] && [ ! -f "$dir/stderr" ] && [ -s "$tmp/stderr" ]; then
			problems+=("unexpected stderr (add a stderr file if it is meant)")
		fi
	else
		want=$(head -n1 "$dir/exit")
		[ "$rc" -eq "$want" ] || problems+=("exit $rc, expected $want")
		[ -s "$tmp/stdout" ] && problems+=("stdout not empty on error")
		[ -e "$tmp/outfile" ] && problems+=("-o file written on error")
	fi
	if [ -e "$dir/outfile" ]; then
		# The atomic write must leave nothing beside the file, even on error.
		local extra
		extra=$(find "$tmp" -mindepth 1 -maxdepth 1 ! -name rc \
			! -name stdout ! -name stderr ! -name outfile \
			! -name in.json ! -name diff | head -3)
		[ -z "$extra" ] || problems+=("left behind: $extra")
	fi
	if [ "$first" -eq 1 ] && [ -f "$dir/stderr" ]; then
		while IFS= read -r line; do
			[ -n "$line" ] || continue
			grep -qF -- "$line" "$tmp/stderr" ||
				problems+=("stderr lacks: $line")
		done < "$dir/stderr"
	fi
	if [ ${#problems[@]} -eq 0 ]; then
		return 0
	fi
	local label="golden $name ($variant)"
	[ "$first" -eq 1 ] || label="golden $name re-patch is identical ($variant)"
	local -a diag=("${problems[@]}")
	[ -f "$tmp/diff" ] && diag+=("$tmp/diff")
	[ -s "$tmp/stderr" ] && diag+=("stderr was:" "$tmp/stderr")
	not_ok "$label" "${diag[@]}"
	rm -f "$tmp/diff"
	return 1
}

cases=0
for dir in tests/golden/*/; do
	dir=${dir%/}
	name=$(basename "$dir")
	if [ ! -f "$dir/out.json" ] && [ ! -f "$dir/exit" ]; then
		not_ok "golden $name" "case has neither out.json nor exit"
		continue
	fi
	cases=$((cases + 1))
	tmp=$work/$name
	mkdir -p "$tmp"
	input=
	if [ -x "$dir/gen" ]; then
		if ! TMPDIR=$tmp "$dir/gen" || [ ! -f "$tmp/in.json" ]; then
			not_ok "golden $name" "$dir/gen did not write \$TMPDIR/in.json"
			continue
		fi
		input=$tmp/in.json
	elif [ -f "$dir/in.json" ]; then
		input=$dir/in.json
	fi
	for variant in release asan; do
		bin=$BUILD/falcon-patcher
		[ "$variant" = asan ] && bin=$BUILD/asan/falcon-patcher
		if [ ! -x "$bin" ]; then
			not_ok "golden $name ($variant)" "$bin is not built (make all $BUILD/asan/falcon-patcher)"
			continue
		fi
		run_patcher "$bin" "$dir" "$input" "$tmp"
		check_run "$name" "$dir" "$tmp" "$variant" 1 &&
			ok "golden $name ($variant)"
		[ -f "$dir/out.json" ] || continue
		# Patching the patched definition again must change nothing.
		run_patcher "$bin" "$dir" "$dir/out.json" "$tmp"
		check_run "$name" "$dir" "$tmp" "$variant" 0 &&
			ok "golden $name re-patch is identical ($variant)"
	done
done
if [ "$cases" -eq 0 ]; then
	not_ok "golden table" "no cases under tests/golden/"
fi
echo "# $cases golden cases"
exit "$failed"
