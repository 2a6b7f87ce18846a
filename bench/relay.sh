#!/usr/bin/env bash
# relay.sh: what the log relay (sensor-shim/supervise/relay.h) costs an application
# that writes to stdout: native, and under falcon-sensor, whose relay
# thread moves each byte from the application's relay pipe to the real
# one (a pipe read by cat, as the log driver reads the container's). A
# measurement, not a test: it asserts nothing. Prints a markdown table of
# the medians of wall time and of CPU time (user + sys of the whole
# pipeline: the application, the sensor and cat), and their ratios.
#
#   bench/relay.sh [RUNS]     (default 5 runs of each kind; root)
#   OLD=path/to/falcon-sensor bench/relay.sh    adds a column for another
#                             build (the sensor before the relay, say)
#
# Workloads (dd from /dev/zero, so that the writer costs nothing else):
# 1. 1 GiB in 64 KiB writes: throughput; the relay adds a hop (a wake-up
#    of its thread) per pipe-full.
# 2. 1 GiB in 4 KiB writes.
# 3. 100 MiB in 100-byte writes: a logger's lines; each write may wake
#    the relay.
# Runs are interleaved (native, sensor, native, ...) so that drift in the
# machine's load hits every kind alike.
set -u
cd "$(dirname "$0")/.."
RUNS=${1:-5}
BUILD=${BUILD:-build}
SENSOR=$BUILD/payload/falcon-sensor
OLD=${OLD:-}
CID=0123456789ABCDEF0123456789ABCDEF-12
DD=$(command -v dd)

if [ ! -x "$SENSOR" ] || [ ! -x /usr/bin/time ]; then
	echo "relay.sh: needs $SENSOR (make all) and /usr/bin/time" >&2
	exit 1
fi
W=$(mktemp -d /tmp/fc-bench-relay.XXXXXX)
trap 'rm -rf "$W"' EXIT

# one OUT CMD...: CMD's stdout into cat; "wall_ms cpu_ms" appended to OUT.
one() {
	local out=$1
	shift
	/usr/bin/time -f "%e %U %S" -o "$W/t" bash -c '"$@" 2>/dev/null | cat >/dev/null' sh "$@"
	awk '{ printf "%d %d\n", $1 * 1000, ($2 + $3) * 1000 }' "$W/t" >>"$out"
}
# median FILE COLUMN
median() { cut -d' ' -f"$2" "$1" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

kinds="native sensor"
[ -n "$OLD" ] && kinds="$kinds old"
printf '| workload | kind | wall ms | cpu ms | wall ratio | cpu ratio |\n|---|---|---|---|---|---|\n'
for w in "64k 16384 1 GiB in 64 KiB writes" "4k 262144 1 GiB in 4 KiB writes" \
	"100 1048576 100 MiB in 100-byte writes"; do
	set -- $w
	bs=$1 count=$2
	shift 2
	name="$*"
	rm -f "$W"/*.txt
	for _ in $(seq "$RUNS"); do
		one "$W/native.txt" "$DD" if=/dev/zero bs="$bs" count="$count" status=none
		one "$W/sensor.txt" "$SENSOR" --cid="$CID" -- "$DD" dd if=/dev/zero bs="$bs" \
			count="$count" status=none
		[ -n "$OLD" ] && one "$W/old.txt" "$OLD" --cid="$CID" -- "$DD" dd if=/dev/zero \
			bs="$bs" count="$count" status=none
	done
	nw=$(median "$W/native.txt" 1)
	nc=$(median "$W/native.txt" 2)
	for k in $kinds; do
		mw=$(median "$W/$k.txt" 1)
		mc=$(median "$W/$k.txt" 2)
		printf '| %s | %s | %s | %s | %s | %s |\n' "$name" "$k" "$mw" "$mc" \
			"$(awk -v a="$mw" -v b="$nw" 'BEGIN { printf "%.2f", a / (b ? b : 1) }')" \
			"$(awk -v a="$mc" -v b="$nc" 'BEGIN { printf "%.2f", a / (b ? b : 1) }')"
	done
done
echo
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) CPUs"
