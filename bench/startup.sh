#!/usr/bin/env bash
# startup.sh: what the sensor adds to an application's start, patched against
# unpatched, in real containers; prints a markdown table. A measurement, not
# a test: it asserts nothing.
#
#   bench/startup.sh [RUNS]        (default 25 runs of each kind; root, podman)
#
# Three figures, each the median of RUNS runs, unpatched and patched runs
# interleaved so that drift in the machine's load hits both alike:
# 1. In-container start latency: the container's first process is the probe
#    in "stamp" mode, which reads CLOCK_REALTIME and execs the real
#    entrypoint; the app (the probe again) reads the clock at main(). Unpatched
#    the real entrypoint is the app; patched it is the launcher, which starts
#    the sensor and then the app. The difference of the two intervals is what
#    the launcher and sensor add, free of podman's own noise.
# 2. `podman run` wall time of the application container, unpatched against
#    patched (the payload already on the volume). Includes podman's overhead
#    (hundreds of ms here, and noisy), so only the difference means anything;
#    a third kind, the patched container's mount, capability and environment
#    without the launcher, shows how much of it is podman's.
# 3. The init container, once per task: `podman run` of falcon-init on an
#    empty volume, against `podman run` of /bin/true in the same image.
# Plus the payload's size.
set -u
cd "$(dirname "$0")/.." || exit 1
RUNS=${1:-25}

E2E_WORK=$(mktemp -d /tmp/fc-bench.XXXXXX)
. tests/e2e/lib.sh
trap 'e2e_cleanup; rm -rf "$E2E_WORK"' EXIT
trap 'exit 130' INT TERM

die() {
	echo "startup.sh: $*" >&2
	exit 1
}

if ! need=$(e2e_missing_packages); then
	die "missing packages: $need (apt-get install $need)"
fi
e2e_podman_setup
e2e_base_image > /dev/null || die "cannot make the base image $E2E_BASE"
echo "building images..." >&2
if ! e2e_build_falcon_image; then
	tail -n 30 "$E2E_WORK/build-falcon.log" >&2
	die "the falcon-container image does not build"
fi
e2e_probe || die "the probe does not build"
e2e_build_test_image scratch || die "the scratch test image does not build"
FALCON=localhost/fc-e2e/falcon-container
APP=localhost/fc-e2e/scratch
VOL=$E2E_WORK/volume
SPEC=$E2E_WORK/spec
mkdir -p "$VOL" "$SPEC"

# The patched definition, from the patcher in the image as the guide runs it.
cat > "$SPEC/task.json" <<EOF
{"family": "bench", "containerDefinitions": [{"name": "app", "image": "$APP",
 "essential": true, "entryPoint": ["/probe"], "command": ["clock"]}]}
EOF
pm run --rm --network none -v "$SPEC:/var/run/spec" "$FALCON" -cid "$E2E_CID" \
	-image "$FALCON" -ecs-spec-file /var/run/spec/task.json > "$SPEC/patched.json" ||
	die "the patcher failed"
app_def() {
	jq -c '.containerDefinitions[] | select(.name == "app")' "$SPEC/patched.json"
}
mapfile -t PATCHED_ENV < <(app_def | jq -r '.environment[] | "--env=\(.name)=\(.value)"')
mapfile -t PATCHED_CAPS < <(app_def | jq -r '.linuxParameters.capabilities.add[] | "--cap-add=\(.)"')
LAUNCHER=$(app_def | jq -r '.entryPoint[0]')
MOUNT=$(app_def | jq -r '.mountPoints[0].containerPath')

# The init fills the volume once for the application runs (as in a task).
pm run --rm --network none --user 0:0 -v "$VOL:$MOUNT" \
	--entrypoint /opt/CrowdStrike/falcon-init "$FALCON" > /dev/null ||
	die "falcon-init failed"

COMMON=(run --rm --network none --hostname bench)
unpatched() { # ENTRYPOINT-JSON
	pm "${COMMON[@]}" --entrypoint "$1" "$APP" clock
}
patched() { # ENTRYPOINT-JSON
	pm "${COMMON[@]}" -v "$VOL:$MOUNT:ro" "${PATCHED_CAPS[@]}" "${PATCHED_ENV[@]}" \
		--entrypoint "$1" "$APP" clock
}
# The patched container's podman-side changes (volume, capability,
# environment) without the launcher: splits the wall-time difference into
# what podman spends on the mount and what the launcher spends.
mounted() { # ENTRYPOINT-JSON
	pm "${COMMON[@]}" -v "$VOL:$MOUNT:ro" "${PATCHED_CAPS[@]}" "${PATCHED_ENV[@]}" \
		--entrypoint "$1" "$APP" clock
}

# interval OUTPUT: seconds from the stamp to the app's clock line.
interval() {
	awk '/^stamp: / { s = $2 } /^clock: / { c = $2 }
		END { if (s == "" || c == "") exit 1; printf "%.6f\n", c - s }' <<< "$1"
}

# quantile Q: the Q-quantile (0..1) of the numbers on stdin, interpolated.
quantile() {
	sort -g | awk -v q="$1" '{ v[NR] = $1 } END {
		if (NR == 0) { print "nan"; exit }
		p = 1 + q * (NR - 1); i = int(p)
		print (i >= NR) ? v[NR] : v[i] + (p - i) * (v[i + 1] - v[i]) }'
}
median() { quantile 0.5; }

echo "measuring, $RUNS runs of each..." >&2
: > "$E2E_WORK/in-u"
: > "$E2E_WORK/in-p"
: > "$E2E_WORK/wall-u"
: > "$E2E_WORK/wall-p"
: > "$E2E_WORK/wall-m"
: > "$E2E_WORK/init"
: > "$E2E_WORK/true"
for i in $(seq "$RUNS"); do
	# 1. in-container latency
	out=$(unpatched '["/probe", "stamp", "/probe"]') || die "unpatched run failed: $out"
	interval "$out" >> "$E2E_WORK/in-u" || die "no stamp/clock in: $out"
	out=$(patched "[\"/probe\", \"stamp\", \"$LAUNCHER\"]") || die "patched run failed: $out"
	interval "$out" >> "$E2E_WORK/in-p" || die "no stamp/clock in: $out"
	# 2. wall time, alternating which kind goes first
	for kind in $( ((i % 2)) && echo "u m p" || echo "p m u"); do
		t0=$EPOCHREALTIME
		case $kind in
		u) unpatched '["/probe"]' > /dev/null || die "unpatched run failed" ;;
		m) mounted '["/probe"]' > /dev/null || die "mounted run failed" ;;
		p) patched "[\"$LAUNCHER\"]" > /dev/null || die "patched run failed" ;;
		esac
		awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.6f\n", b - a }' \
			>> "$E2E_WORK/wall-$kind"
	done
	# 3. the init container on an empty volume, against a trivial container
	rm -rf "$E2E_WORK/v2"
	mkdir -p "$E2E_WORK/v2"
	t0=$EPOCHREALTIME
	pm "${COMMON[@]}" --user 0:0 -v "$E2E_WORK/v2:$MOUNT" \
		--entrypoint /opt/CrowdStrike/falcon-init "$FALCON" > /dev/null || die "init failed"
	awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.6f\n", b - a }' >> "$E2E_WORK/init"
	t0=$EPOCHREALTIME
	pm "${COMMON[@]}" --user 0:0 -v "$E2E_WORK/v2:$MOUNT" \
		--entrypoint /bin/true "$FALCON" > /dev/null || die "/bin/true failed"
	awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.6f\n", b - a }' >> "$E2E_WORK/true"
done

# spread FILE: median with the interquartile range, in ms
spread() {
	awk -v m="$(median < "$1")" -v a="$(quantile 0.25 < "$1")" -v b="$(quantile 0.75 < "$1")" \
		'BEGIN { printf "%.2f ms (%.2f–%.2f)", m * 1000, a * 1000, b * 1000 }'
}
diff_ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%+.2f ms", (b - a) * 1000 }'; }
iu=$(median < "$E2E_WORK/in-u")
ip=$(median < "$E2E_WORK/in-p")
wu=$(median < "$E2E_WORK/wall-u")
wp=$(median < "$E2E_WORK/wall-p")
wm=$(median < "$E2E_WORK/wall-m")
it=$(median < "$E2E_WORK/true")
ii=$(median < "$E2E_WORK/init")
payload=$(pm run --rm --network none --entrypoint /bin/sh "$FALCON" -c \
	'du -sb /opt/CrowdStrike/payload | cut -f1')
files=$(pm run --rm --network none --entrypoint /bin/sh "$FALCON" -c \
	'cd /opt/CrowdStrike/payload && find . -type f -printf "%P %s, "' | sed 's/, $//')

cat <<EOF

Startup cost of the Falcon Container sensor, $(date -u +%Y-%m-%d), $(nproc) CPUs,
kernel $(uname -r), podman $(podman --version | awk '{print $3}') with runc;
median (interquartile range) of $RUNS runs each, unpatched and patched interleaved;
"added" is the difference of the medians.

| measure | unpatched | patched | added |
|---|---|---|---|
| container's first process to app \`main()\` (in-container clock) | $(spread "$E2E_WORK/in-u") | $(spread "$E2E_WORK/in-p") | $(diff_ms "$iu" "$ip") |
| \`podman run\` wall time of the app container | $(spread "$E2E_WORK/wall-u") | $(spread "$E2E_WORK/wall-p") | $(diff_ms "$wu" "$wp") |
| … of which podman's share: volume, capability, environment, no launcher | $(spread "$E2E_WORK/wall-u") | $(spread "$E2E_WORK/wall-m") | $(diff_ms "$wu" "$wm") |
| init container, once per task (\`podman run\` of /bin/true vs falcon-init) | $(spread "$E2E_WORK/true") | $(spread "$E2E_WORK/init") | $(diff_ms "$it" "$ii") |

Payload: $payload bytes ($(awk -v b="$payload" 'BEGIN { printf "%.2f MiB", b / 1048576 }'); $files).
Targets: under 10 ms added to the app's start, payload under 10 MiB.
EOF
