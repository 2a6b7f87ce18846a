#!/usr/bin/env bash
# suite-evasions.sh: the adversarial suite (issue 9, classes 1-5 and 7; the
# event stream, class 6, is in suite-sensor.sh). One table,
# tests/evasions/cases.tsv, one runner: each case is an attack of
# tests/sensor/evasion.c that really does the thing and says from inside
# whether it worked ("EFFECT yes|no"). Each case runs
#   1. natively (no sensor): the effect must happen, else the machine
#      cannot do it and the case is skipped, with the reason;
#   2. under --mode=detect and 3. under --mode=prevent: the Findings the
#      table names must be there, and the effect as the table says.
# Every run has its own PID namespace and session (a fork bomb, kill(-1)
# or kill(0) stays in it; without setsid the namespace's processes would
# share a group with timeout(1) and unshare(1) outside it), in one of three
# layouts (the table's "layout"):
#   pid1    the sensor (natively: the decoy) is PID 1;
#   init    catatonit is PID 1 and the sensor its child (ECS with
#           initProcessEnabled): for the attacks on the sensor, which PID 1
#           would be immune to. Natively a shell is PID 1 and lingers 2 s,
#           so that the app can report after its decoy parent died;
#   linger  a shell is PID 1 and lingers 3 s after the sensor ended: what
#           a daemon does then is seen (MARKER lines).
# Table columns (tab-separated; "#" starts a comment line):
#   id class layout findings detect prevent status opts attack [arg...]
#   findings  "-": none required; "none": no Finding at all (near misses);
#             else ids, "," between ids all required, "|" between
#             alternatives of which one is enough.
#   detect, prevent  the effect wanted in that mode: yes or no.
#   status    closed, or gap:REASON (a hole the project leaves open: not
#             run, reported as a SKIP that says so).
#   opts      more sensor options ("-": none).
#   attack and its arguments, one a column; {B} {T} (this run's scratch
#   outside and below /tmp), {PRE} (files made before any sensor started),
#   {ETC} {BIN} {LOG} (names below /etc, /usr/local/bin, /var/log, removed
#   on exit), {MARK}, {TOKEN}, {PORT} (3333, a mining-pool port),
#   {PORT_OK} (a benign one) are replaced.
# CASES=REGEX runs only the matching ids.
set -u
cd "$(dirname "$0")/.." || exit 1
BUILD=${BUILD:-build}
TABLE=tests/evasions/cases.tsv
# shellcheck source=tests/runtime/lib.sh
. tests/runtime/lib.sh

if [ "$(id -u)" != 0 ]; then
	skip "evasions" "not root (the attacks read /etc/shadow, write below /etc and /usr/local/bin, and unshare)"
	exit 0
fi
SENSOR=$BUILD/payload/falcon-sensor
if [ ! -x "$SENSOR" ]; then
	bail_out "evasions: $SENSOR is not built (run make $SENSOR)"
fi
SENSOR=$(cd "$(dirname "$SENSOR")" && pwd)/falcon-sensor
for tool in unshare catatonit timeout python3; do
	if ! command -v "$tool" >/dev/null; then
		bail_out "evasions: $tool is not installed"
	fi
done

runtime_scratch evasions || bail_out "evasions: cannot make a directory in /tmp"
B=$(scratch_outside_tmp evasions-bin) || bail_out "evasions: no directory outside /tmp"
# The real files the attacks write: unique names, removed whatever happens.
SYS_ETC=/etc/falcon-ev-$$
SYS_BIN=/usr/local/bin/falcon-ev-$$
SYS_LOG=/var/log/falcon-ev-$$.log
# shellcheck disable=SC2317 # called by the trap
cleanup() {
	# The listener ended here, and waited for, so that bash reports no
	# "Killed" job; runtime_cleanup kills whatever else is left.
	if [ -n "${echo_pid:-}" ]; then
		kill "$echo_pid" 2>/dev/null
		wait "$echo_pid" 2>/dev/null
	fi
	rm -f "$SYS_ETC"* "$SYS_BIN"* "$SYS_LOG"*
	# B holds a hard link of /etc/shadow: never kept.
	rm -rf "$B"
	runtime_cleanup
}
trap cleanup EXIT

PYTHON=$(python3 -c 'import sys; print(sys.executable)')
py() { "$PYTHON" -S "$@"; }
FI=tests/sensor/findings.py
EV=tests/sensor/events.py
PORT=3333
PORT_OK=3339
TOKEN=ev-$$-$RANDOM$RANDOM

if ! ${CC:-cc} -O1 -Wall -Wextra -Werror -D_GNU_SOURCE -pthread -o "$B/evasion" tests/sensor/evasion.c 2>"$T/cc.err"; then
	bail_out "evasions: cannot build tests/sensor/evasion.c" "$T/cc.err"
fi
EVASION=$B/evasion

# ---------------------------------------------------------------------------
# What exists before any sensor starts (so not "written since start").
PRE=$B/pre
mkdir -p "$PRE/bin"
chmod 700 "$PRE"
ln -s /bin/echo "$PRE/bin/nc"
cp /bin/echo "$PRE/echo-copy"
# An innocent name for a program a rule names (the same inode).
ln /usr/bin/dpkg "$PRE/innocent"
ln /etc/shadow "$PRE/shadow-link"
ln /etc/passwd "$PRE/passwd-link"
# shellcheck disable=SC2016 # expanded by the script, at its run
printf '#!/bin/sh\n: >"$EV_MARK"\n' >"$PRE/mark.sh"
chmod 755 "$PRE/mark.sh"
printf '#include <unistd.h>\n__attribute__((constructor)) static void p(void) { write(1, "PRELOADED\\n", 10); }\n' >"$T/preload.c"
if ! ${CC:-cc} -shared -fPIC -o "$PRE/preload.so" "$T/preload.c" 2>"$T/cc.err"; then
	bail_out "evasions: cannot build the LD_PRELOAD library" "$T/cc.err"
fi

# The loopback listener: echoes TCP and UDP on the pool port and the benign one.
# Started directly (not through py) so that $! is the server itself, and
# off the suite's stdout, which tests/run reads to its end.
"$PYTHON" -S tests/evasions/echo_server.py "$T/echo.ready" "$PORT" "$PORT_OK" >"$T/echo.err" 2>&1 &
echo_pid=$!
jobs_to_kill+=("$echo_pid")
for _ in $(seq 50); do [ -e "$T/echo.ready" ] && break; sleep 0.1; done
if [ ! -e "$T/echo.ready" ]; then
	bail_out "evasions: the echo listener did not start on 127.0.0.1:$PORT and :$PORT_OK" "$T/echo.err"
fi

# ---------------------------------------------------------------------------
# Running a case.

# prep: a fresh scratch pair for the next run, the files some attacks
# change back in their first state, made before that run's sensor starts.
prep() {
	rm -rf "$B/run" "$T/run"
	mkdir -p "$B/run" "$T/run"
	rm -f "$SYS_ETC"* "$SYS_BIN"*
	echo "an old log line" >"$SYS_LOG"
	echo original >"$SYS_BIN-xchg"
	cp /bin/true "$B/run/capfile"
	cp /bin/true "$B/run/suid"
}

# subst ARG: the table's placeholders replaced.
subst() {
	local a=$1
	a=${a//\{B\}/$B/run}
	a=${a//\{T\}/$T/run}
	a=${a//\{PRE\}/$PRE}
	a=${a//\{ETC\}/$SYS_ETC}
	a=${a//\{BIN\}/$SYS_BIN}
	a=${a//\{LOG\}/$SYS_LOG}
	a=${a//\{MARK\}/$T/run/mark}
	a=${a//\{TOKEN\}/$TOKEN}
	a=${a//\{PORT\}/$PORT}
	a=${a//\{PORT_OK\}/$PORT_OK}
	printf '%s' "$a"
}

# run NAME LAYOUT MODE OPTS ATTACK...: one run into $T/NAME.{out,err,rc,ev};
# MODE native runs the attack under the decoy, else under the sensor.
run() {
	local name=$1 layout=$2 mode=$3 opts=$4 rc=0
	shift 4
	local cmd init=()
	prep
	if [ "$mode" = native ]; then
		cmd=(env EV_NATIVE=1 "$EVASION" --decoy "$@")
	else
		cmd=("$SENSOR" --cid="$CID" --sink="file:$T/$name.ev" --mode="$mode")
		[ "$opts" = - ] || cmd+=("$opts")
		cmd+=(-- "$EVASION" evasion "$@")
	fi
	case $layout/$mode in
	pid1/*) ;;
	init/native) init=(/bin/sh -c '"$@"; sleep 2' sh) ;;
	init/*) init=(catatonit --) ;;
	linger/*) init=(/bin/sh -c '"$@"; sleep 3' sh) ;;
	esac
	rm -f "$T/$name.ev"
	EV_TOKEN=$TOKEN EV_PORT=$PORT EV_MARK=$T/run/mark \
		timeout -s KILL 120 unshare --pid --fork --mount-proc --kill-child setsid \
		${init[@]+"${init[@]}"} "${cmd[@]}" >"$T/$name.out" 2>"$T/$name.err" </dev/null || rc=$?
	echo "$rc" >"$T/$name.rc"
	effect_of "$name" >"$T/$name.effect"
}

# effect_of NAME: yes, no, or "none" (no EFFECT line: the app died).
effect_of() {
	local m
	m=$(sed -n 's/^MARKER //p' "$T/$1.out" | tail -n 1)
	if [ -n "$m" ]; then
		if [ -e "$m" ]; then echo yes; else echo no; fi
		return
	fi
	awk '$1 == "EFFECT" { e = $2 } END { print (e == "" ? "none" : e) }' "$T/$1.out"
}

# findings_ok NAME WANT: the run's Findings are what WANT asks.
findings_ok() {
	local got group alt found
	got=$(py "$FI" rules "$T/$1.ev" 2>&1) || return 1
	case $2 in
	-) return 0 ;;
	none) [ -z "$got" ]; return ;;
	esac
	local IFS=,
	for group in $2; do
		found=0
		IFS='|'
		for alt in $group; do
			printf '%s\n' "$got" | grep -qxF -- "$alt" && found=1
		done
		IFS=,
		[ $found = 1 ] || return 1
	done
	return 0
}

# stopped NAME: the run's last event is the sensor's Stop (it lived to the end).
stopped() {
	[ -s "$T/$1.ev" ] &&
		py "$EV" query "$T/$1.ev" 'ev[-1].get("class_uid") == 6002 and ev[-1].get("activity_name") == "Stop"' | grep -qx yes
}

# show NAME: a failed run's evidence.
show() {
	echo "# exit $(cat "$T/$1.rc"), effect $(cat "$T/$1.effect")"
	diag "$T/$1.out" "$T/$1.err"
	if [ -s "$T/$1.ev" ]; then
		echo "# findings (rule pid action_id applied event):"
		py "$FI" "$T/$1.ev" 2>&1 | head -n 12 | sed 's/^/#   /'
	fi
}

# why NAME: for a SKIP, the native run's first diagnostic (evasion.c says
# there why the machine cannot: no IA32 entry, no x32 ABI), its last
# RESULT line and its exit.
why() {
	local d r
	d=$(sed -n 's/^# //p' "$T/$1.out" | head -n 1)
	r=$(grep '^RESULT' "$T/$1.out" | tail -n 1)
	printf '%s%s, exit %s, effect %s' "${d:+$d; }" "${r:-no RESULT line}" "$(cat "$T/$1.rc")" "$(cat "$T/$1.effect")"
}

# sensed ID CLASS MODE FINDINGS WANT: the verdict of one sensor run.
sensed() {
	local id=$1 class=$2 mode=$3 want_f=$4 want_e=$5 name=$1.$3 got problems=
	got=$(cat "$T/$name.effect")
	findings_ok "$name" "$want_f" || problems="$problems; Findings $(py "$FI" rules "$T/$name.ev" 2>/dev/null | tr '\n' ' ')not $want_f"
	[ "$got" = "$want_e" ] || problems="$problems; effect $got, not $want_e"
	if [ "$class" = 5 ] && ! stopped "$name"; then
		problems="$problems; no Stop event at the end: the sensor did not live to the end"
	fi
	if [ -z "$problems" ]; then
		ok "$id: $mode: Findings $want_f, effect $want_e"
	else
		not_ok "$id: $mode: ${problems#; }"
		show "$name"
	fi
}

# ---------------------------------------------------------------------------
# The table.
cases=0
while IFS=$'\t' read -r -a row; do
	[ ${#row[@]} -gt 0 ] || continue
	case ${row[0]} in '#'* | '') continue ;; esac
	if [ ${#row[@]} -lt 9 ]; then
		not_ok "$TABLE: a row with fewer than 9 columns: ${row[*]}"
		continue
	fi
	id=${row[0]} class=${row[1]} layout=${row[2]} want_f=${row[3]}
	want_d=${row[4]} want_p=${row[5]} status=${row[6]} opts=${row[7]}
	[ -n "${CASES:-}" ] && ! [[ $id =~ $CASES ]] && continue
	cases=$((cases + 1))
	args=()
	for a in "${row[@]:8}"; do args+=("$(subst "$a")"); done
	case $status in
	gap:*)
		skip "$id" "gap: ${status#gap:}"
		continue ;;
	closed) ;;
	*)
		not_ok "$id: status $status is not closed or gap:REASON"
		continue ;;
	esac
	run "$id.native" "$layout" native - "${args[@]}"
	if [ "$(cat "$T/$id.native.effect")" != yes ]; then
		skip "$id" "this machine cannot do ${args[0]} natively ($(why "$id.native"))"
		continue
	fi
	run "$id.detect" "$layout" detect "$opts" "${args[@]}"
	sensed "$id" "$class" detect "$want_f" "$want_d"
	run "$id.prevent" "$layout" prevent "$opts" "${args[@]}"
	sensed "$id" "$class" prevent "$want_f" "$want_p"
done <"$TABLE"

# Nothing of ours is left below /etc, /usr/local/bin or /var/log but the
# two files the runner itself keeps resetting (removed on exit).
rm -f "$SYS_LOG" "$SYS_BIN-xchg"
left=$(ls -d "$SYS_ETC"* "$SYS_BIN"* "$SYS_LOG"* 2>/dev/null)
if [ -z "$left" ]; then
	ok "evasions: $cases cases, nothing left below /etc, /usr/local/bin, /var/log"
else
	not_ok "evasions: files left behind: $left"
fi
exit "$failed"
