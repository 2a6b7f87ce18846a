#!/usr/bin/env bash
# tracer.sh: what tracing costs the application: native, under
# falcon-sensor with its built-in rules, and under
# `strace -f --seccomp-bpf -e trace=SET` with SET the syscalls the sensor
# stops by default (exec, the open, unlink, rename and chmod families,
# connect, bind, listen: the same set, the same technique; strace cannot
# put the sensor's argument conditions into its filter, so it stops every
# chmod, which these workloads do not call). A measurement, not a test: it
# asserts nothing. Prints a markdown table of medians and ratios, and the
# sensor's peak RSS (from its final Stop event).
#
#   bench/tracer.sh [RUNS]        (default 7 runs of each kind; root)
#
# Workloads (bench/tracer_work.c times each from inside, so that starting the
# tracer is not counted):
# 1. getppid loop: 2 000 000 getppid() syscalls, none of them traced; the
#    price is the seccomp filter alone (about 1.2 for a null
#    syscall under any filter).
# 2. fork+exec of /bin/true, 2000 times: each costs the tracer a fork
#    event, the child's first stop, the execve seccomp stop, the exec event,
#    the exit stop and the death report, and the sensor builds two events.
# 3. extracting a tarball of 5000 small files with tar, into /dev/shm:
#    5000 creating opens, each stopped, resolved and written as a File
#    System Activity event (and matched against the rules), between
#    untraced writes, closes and utimensats. Each stop wakes the sensor,
#    and then the application again, on another CPU when one is idle: the
#    row is run again with everything on one CPU (taskset), where a stop
#    costs least, and with --file-events=off.
# Then the floor (bench/floor.c): the same tar -x under a supervisor that
# does the least any judge of a path can (stop each open for writing, read
# its path, let it go), by ptrace and by seccomp user notification, beside
# the sensor; and the round trip of a byte between two processes, the two
# context switches of every stop that no supervisor avoids.
# Runs are interleaved (native, sensor, strace, native, ...) so that drift in
# the machine's load hits every kind alike; ratios are of medians from the
# same run of this script.
set -u
cd "$(dirname "$0")/.."
RUNS=${1:-7}
BUILD=${BUILD:-build}
SENSOR=$BUILD/payload/falcon-sensor
CID=0123456789ABCDEF0123456789ABCDEF-12

for need in "$SENSOR" "$(command -v strace)" "$(command -v tar)"; do
	if [ ! -x "$need" ]; then
		echo "tracer.sh: missing $need (make all; apt-get install strace tar)" >&2
		exit 1
	fi
done
W=$(mktemp -d /tmp/fc-bench-tracer.XXXXXX)
# tar extracts into memory (/dev/shm) when it can: on a disk shared with
# other work the row measures the disk, not the tracer.
X=$(mktemp -d /dev/shm/fc-bench-tar.XXXXXX 2>/dev/null) || X=$W/x
trap 'rm -rf "$W" "$X"' EXIT
cc -O2 -Wall -o "$W/work" bench/tracer_work.c || exit 1
cc -O2 -Wall -o "$W/floor" bench/floor.c || exit 1

# 5000 small files (100 to 2000 bytes) in 50 directories.
python3 bench/small_files.py "$W/src" || exit 1
tar -C "$W/src" -cf "$W/files.tar" .
TAR=$(command -v tar)

# one KIND WORKLOAD...: prints the seconds the workload reports.
one() {
	local kind=$1
	shift
	case $kind in
	native) $PIN "$W/work" "$@" ;;
	# shellcheck disable=SC2086 # SOPTS, PIN: zero or more words
	sensor) $PIN "$SENSOR" --cid="$CID" --sink="file:$W/events" $SOPTS -- "$W/work" work "$@" ;;
	floor-ptrace) $PIN "$W/floor" ptrace "$W/work" work "$@" ;;
	floor-notif) $PIN "$W/floor" notif "$W/work" work "$@" ;;
	strace) $PIN strace -f -qq --seccomp-bpf -e "trace=$STRACE_SET" -o /dev/null "$W/work" "$@" ;;
	esac
}

STRACE_SET=execve,execveat,open,openat,openat2,creat,unlink,unlinkat,rename,renameat,renameat2,chmod,fchmod,fchmodat,connect,bind,listen

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

SOPTS=
PIN=
declare -A times
peak=0
row() {
	local name=$1
	shift
	local k r t
	for k in native sensor strace; do times[$k]=; done
	for r in $(seq "$RUNS"); do
		for k in native sensor strace; do
			if [[ $name == *tar* ]]; then
				rm -rf "$X/out"
				mkdir -p "$X/out"
			fi
			rm -f "$W/events"
			t=$(one "$k" "$@") || { echo "tracer.sh: $name under $k failed" >&2; exit 1; }
			times[$k]+="$t"$'\n'
			if [ "$k" = sensor ]; then
				p=$(tail -n 1 "$W/events" | python3 -c \
					'import json,sys; print(json.load(sys.stdin)["unmapped"].get("sensor_peak_rss_kib", 0))')
				[ "$p" -gt "$peak" ] && peak=$p
			fi
		done
	done
	local n s st
	n=$(printf '%s' "${times[native]}" | median)
	s=$(printf '%s' "${times[sensor]}" | median)
	st=$(printf '%s' "${times[strace]}" | median)
	awk -v name="$name" -v n="$n" -v s="$s" -v st="$st" 'BEGIN {
		printf "| %s | %.3f s | %.3f s | %.3f s | %.2f | %.2f |\n", name, n, s, st, s / n, st / n }'
}

echo "Machine: $(nproc) CPUs, $(uname -r), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "SSB: $(cat /sys/devices/system/cpu/vulnerabilities/spec_store_bypass 2>/dev/null)"
echo "Medians of $RUNS runs each, interleaved."
echo
echo "| workload | native | sensor | strace --seccomp-bpf | sensor / native | strace / native |"
echo "|---|---|---|---|---|---|"
row "getppid loop (2 000 000)" getppid 2000000
row "fork+exec /bin/true (2000)" forkexec 2000 /bin/true
row "tar -x of 5000 small files" run "$TAR" -C "$X/out" -xf "$W/files.tar"
PIN="taskset -c 0"
row "tar -x, everything on one CPU" run "$TAR" -C "$X/out" -xf "$W/files.tar"
PIN=
SOPTS=--file-events=off
row "tar -x, sensor --file-events=off" run "$TAR" -C "$X/out" -xf "$W/files.tar"

# floor_row NAME WORKLOAD...: native, the two floors and the sensor.
floor_row() {
	local name=$1
	shift
	local k r
	declare -A ft
	for r in $(seq "$RUNS"); do
		for k in native floor-ptrace floor-notif sensor; do
			rm -rf "$X/out"
			mkdir -p "$X/out"
			ft[$k]+="$(one "$k" "$@")"$'\n' || { echo "tracer.sh: $name under $k failed" >&2; exit 1; }
		done
	done
	local n p u s
	n=$(printf '%s' "${ft[native]}" | median)
	p=$(printf '%s' "${ft[floor-ptrace]}" | median)
	u=$(printf '%s' "${ft[floor-notif]}" | median)
	s=$(printf '%s' "${ft[sensor]}" | median)
	awk -v name="$name" -v n="$n" -v p="$p" -v u="$u" -v s="$s" 'BEGIN {
		printf "| %s | %.3f s | %.3f s | %.3f s | %.3f s | %.2f | %.2f | %.2f |\n",
			name, n, p, u, s, p / n, u / n, s / n }'
}

SOPTS=
echo
echo "The floor: the least any supervisor that judges paths costs (bench/floor.c)."
echo
echo "| workload | native | ptrace floor | user-notif floor | sensor | ptrace floor / native | user-notif floor / native | sensor / native |"
echo "|---|---|---|---|---|---|---|---|"
floor_row "tar -x of 5000 small files" run "$TAR" -C "$X/out" -xf "$W/files.tar"
PIN="taskset -c 0"
floor_row "tar -x, everything on one CPU" run "$TAR" -C "$X/out" -xf "$W/files.tar"
PIN=
rt=$(for r in $(seq "$RUNS"); do "$W/floor" pingpong 20000; done | median)
echo
echo "A round trip between two processes (two context switches): $rt us."
echo
echo "Sensor peak RSS (VmHWM, largest over all runs): $((peak / 1024)).$(((peak % 1024) * 10 / 1024)) MiB ($peak KiB)"
