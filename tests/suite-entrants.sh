#!/usr/bin/env bash
# suite-entrants.sh: processes that enter the container from outside (ECS
# Exec, docker/podman exec, nsenter: sensor-shim/trace/entrants.h). The sensor runs
# as PID 1 of a new PID namespace around a sleeping application, as in a
# container; `nsenter -t SENSOR -p -m` enters it the way runc exec does, with
# real shells and programs. Each session runs natively first (the same
# namespace without the sensor) so that its output and exit code under the
# sensor can be compared with what it does untraced.
set -u
cd "$(dirname "$0")/.." || exit 1
BUILD=${BUILD:-build}
SENSOR=$BUILD/payload/falcon-sensor
CID=0123456789ABCDEF0123456789ABCDEF-12
. tests/lib/tap.sh
failed=0

for tool in unshare nsenter script python3 jq; do
	if ! command -v "$tool" >/dev/null; then
		bail_out "entrants: $tool is not installed" "scripts/install-deps"
	fi
done
if [ ! -x "$SENSOR" ]; then
	bail_out "entrants: the sensor is not built ($SENSOR)" "make all"
fi
T=$(mktemp -d /var/tmp/fc-entrants.XXXXXX)
ns_pid= target= ns_kind=
# stop_ns: ends the application (the sensor then writes its last events
# and exits); PID 1's exit ends whatever else is in the namespace.
stop_ns() {
	if [ -n "$target" ] && [ "$ns_kind" != native ]; then
		pkill -TERM -P "$target" -x sleep 2>/dev/null
		for _ in $(seq 100); do
			kill -0 "$target" 2>/dev/null || break
			sleep 0.05
		done
	fi
	if [ -n "$target" ]; then
		kill -KILL "$target" 2>/dev/null
	fi
	if [ -n "$ns_pid" ]; then
		wait "$ns_pid" 2>/dev/null
	fi
	ns_pid= target=
}
trap 'stop_ns; rm -rf "$T"' EXIT

# start_ns NAME [SENSOR OPTIONS...]: a PID namespace whose PID 1 is the
# sensor (or, with NAME "native", a plain sleep) around `sleep 1000`; sets
# target, the host pid of that PID 1. Events go to $T/NAME.ev.
start_ns() {
	local name=$1 i
	shift
	ns_kind=$name
	if [ "$name" = native ]; then
		unshare -pf --mount-proc /bin/sleep 1000 >/dev/null 2>&1 &
	else
		unshare -pf --mount-proc "$SENSOR" --cid="$CID" --sink="file:$T/$name.ev" \
			--trace=info "$@" -- /bin/sleep sleep 1000 >/dev/null 2>"$T/$name.err" &
	fi
	ns_pid=$!
	target=
	for i in $(seq 100); do
		target=$(pgrep -P "$ns_pid" | head -n 1)
		# The sensor's application is up: the namespace is ready.
		if [ -n "$target" ] && { [ "$name" = native ] || pgrep -P "$target" >/dev/null; }; then
			return 0
		fi
		sleep 0.05
	done
	not_ok "entrants: the namespace starts ($name)" "$T/$name.err"
	return 1
}

# enter SCRIPT: runs bash -c SCRIPT inside, as runc exec would; its output
# in $out, its exit code in $rc.
enter() {
	out=$(nsenter -t "$target" -p -m /bin/bash -c "$1" 2>&1 </dev/null)
	rc=$?
}

# events NAME JQ_FILTER: the events that match, one compact line each.
events() {
	jq -c "select($2)" "$T/$1.ev" 2>/dev/null
}

findings() {
	events "$1" ".class_uid == 2004 and .finding_info.analytic.uid == \"$2\"" | wc -l
}

# The session: it waits (so that it is certainly running when the sensor
# finds it, as a human's shell would be), then reads /etc/shadow, runs two
# programs and exits with its own code.
SESSION='sleep 0.5; if cat /etc/shadow >/dev/null 2>&1; then echo read; else echo refused; fi; id -u; echo "$(echo piped | tr a-z A-Z)"; exit 7'

start_ns native || exit 1
enter "$SESSION"
native_out=$out native_rc=$rc
stop_ns
if [ "$native_rc" = 7 ] && [ "$native_out" = "$(printf 'read\n0\nPIPED')" ]; then
	ok "entrants: natively, the session reads /etc/shadow and exits 7"
else
	not_ok "entrants: natively, the session reads /etc/shadow and exits 7" \
		"rc $native_rc, output: $native_out"
fi

for mode in detect prevent; do
	start_ns "$mode" --mode="$mode" || continue
	enter "$SESSION"
	stop_ns
	want=$native_out
	[ $mode = prevent ] && want=$(printf 'refused\n0\nPIPED')
	if [ "$rc" = 7 ] && [ "$out" = "$want" ]; then
		ok "entrants: $mode: the session's output and exit code are as natively$([ $mode = prevent ] && echo ", the read refused")"
	else
		not_ok "entrants: $mode: the session's output and exit code" \
			"rc $rc (want 7), output: $out" "want: $want" "$T/$mode.err"
	fi
	# Found running (attached) as the shell, or as nsenter's child on its
	# way to executing it, whose exec then has the shell's Launch.
	n=$(events $mode '.class_uid == 1007 and .activity_id == 1 and .unmapped.attached == true and .unmapped.entered_from_outside == true and .unmapped.entered_at > 0' | wc -l)
	m=$(events $mode '.class_uid == 1007 and .activity_id == 1 and .unmapped.entered_from_outside == true and (.process.cmd_line | startswith("/bin/bash -c sleep 0.5"))' | wc -l)
	[ "$n" -ge 1 ] && [ "$m" -ge 1 ] &&
		ok "entrants: $mode: the entered shell has a Launch, found running and marked entered" ||
		not_ok "entrants: $mode: the entered shell's Launch" "attached: $n, the shell's: $m" "$T/$mode.ev"
	n=$(events $mode '.class_uid == 1007 and .activity_id == 1 and .unmapped.entered_from_outside == true and (.process.cmd_line == "cat /etc/shadow" or .process.cmd_line == "id -u" or .process.cmd_line == "tr a-z A-Z")' | wc -l)
	[ "$n" = 3 ] && ok "entrants: $mode: each program the session runs has a Launch marked entered" ||
		not_ok "entrants: $mode: the session's programs' Launches" "found $n of 3" "$T/$mode.ev"
	n=$(events $mode '.class_uid == 2004 and .finding_info.analytic.uid == "sensitive-file-read" and .unmapped.entered_from_outside == true' | wc -l)
	[ "$n" = 1 ] && ok "entrants: $mode: the read of /etc/shadow is a Finding marked entered" ||
		not_ok "entrants: $mode: the read's Finding" "found $n" "$T/$mode.ev"
	n=$(events $mode '.class_uid == 1007 and .activity_id == 2 and .unmapped.entered_from_outside == true and (.process.cmd_line | startswith("/bin/bash -c sleep 0.5")) and .exit_code == 7' | wc -l)
	[ "$n" = 1 ] && ok "entrants: $mode: the shell's Terminate has its exit code" ||
		not_ok "entrants: $mode: the shell's Terminate" "found $n" "$T/$mode.ev"
	n=$(events $mode '(.process.cmd_line == "sleep 1000") and .unmapped.entered_from_outside == true' | wc -l)
	[ "$n" = 0 ] && ok "entrants: $mode: the application's own events are not marked entered" ||
		not_ok "entrants: $mode: the application's events" "$n marked entered" "$T/$mode.ev"
	n=$(findings $mode terminal-shell-entered)
	[ "$n" = 0 ] && ok "entrants: $mode: a shell without a terminal is no terminal-shell Finding" ||
		not_ok "entrants: $mode: terminal-shell-entered without a terminal" "found $n" "$T/$mode.ev"
done

# With a terminal (script gives the shell a pty, as ECS Exec's session
# worker and exec -t do): the rule, once for the session, not for the
# shells its startup files and scripts run; and the session types on.
TTY_SESSION='sleep 0.5; sh -c "echo nested"; id -u; exit 5'
start_ns native || exit 1
# on_tty: the session through script, its exit code in $rc, what the
# terminal showed (less prompts and echo) in $got.
on_tty() {
	printf '%s\n' "$TTY_SESSION" |
		script -qec "nsenter -t $target -p -m /bin/bash --norc -i" /dev/null >"$T/tty.out" 2>&1
	rc=$?
	got=$(tr -d '\r' <"$T/tty.out" | grep -v '^bash-\|^exit$')
}
on_tty
tty_native=$got
stop_ns
for mode in detect prevent; do
	start_ns "tty-$mode" --mode="$mode" || continue
	on_tty
	stop_ns
	if [ "$rc" = 5 ] && [ "$got" = "$tty_native" ]; then
		ok "entrants: $mode: an interactive session on a terminal types and exits as natively"
	else
		not_ok "entrants: $mode: the interactive session" "rc $rc (want 5)" "got: $got" \
			"natively: $tty_native" "$T/tty-$mode.err"
	fi
	n=$(findings "tty-$mode" terminal-shell-entered)
	[ "$n" = 1 ] && ok "entrants: $mode: an interactive shell entered from outside is one terminal-shell Finding" ||
		not_ok "entrants: $mode: terminal-shell-entered" "found $n (want 1)" "$T/tty-$mode.ev"
	n=$(events "tty-$mode" '.class_uid == 2004 and .finding_info.analytic.uid == "terminal-shell-entered" and .finding_info.attacks[0].technique.uid == "T1609"' | wc -l)
	[ "$n" = 1 ] && ok "entrants: $mode: the Finding names MITRE T1609 (Container Administration Command)" ||
		not_ok "entrants: $mode: the Finding's technique" "$T/tty-$mode.ev"
	n=$(findings "tty-$mode" shell-by-non-shell)
	[ "$n" = 0 ] && ok "entrants: $mode: the entered shell is not also a shell-by-non-shell Finding" ||
		not_ok "entrants: $mode: shell-by-non-shell fired on the session" "found $n" "$T/tty-$mode.ev"
done

# How soon: the entered shell watches its own TracerPid. Printed, not
# asserted (timings do not belong in tests); the README has the figures.
start_ns latency || exit 1
lat=()
for i in $(seq 10); do
	enter 'start=$EPOCHREALTIME; for ((n = 0; n < 500000; n++)); do read -r -d "" s </proc/self/status; [[ $s =~ TracerPid:[[:space:]]*[1-9] ]] && break; done; echo $(( (${EPOCHREALTIME/./} - ${start/./}) / 1000 )) $n'
	lat+=("${out%% *}")
	case $out in *" 500000") lat+=(never) ;; esac
done
stop_ns
case " ${lat[*]} " in
*never*) not_ok "entrants: every entered shell is traced while it runs" "ms: ${lat[*]}" ;;
*) ok "entrants: every entered shell is traced while it runs"
   echo "# ms from the shell's start to its attach, 10 sessions: ${lat[*]}" ;;
esac

# A multi-threaded entrant, its threads running before the sensor finds
# it: each installs the filter at its own next syscall (a thread left
# without it would write its file unseen), and each one's read is refused.
start_ns threads --mode=prevent || exit 1
enter "python3 -c '
import threading, time
def work(i):
    time.sleep(0.5)
    open(\"$T/thread-%d\" % i, \"w\").close()
    try:
        open(\"/etc/shadow\").close()
    except OSError:
        pass
ts = [threading.Thread(target=work, args=(i,)) for i in range(4)]
[t.start() for t in ts]; [t.join() for t in ts]
print(\"threads done\")'"
stop_ns
n=$(findings threads sensitive-file-read)
w=$(events threads ".class_uid == 1001 and (.file.path | startswith(\"$T/thread-\"))" | jq -r .file.path | sort -u | wc -l)
if [ "$out" = "threads done" ] && [ "$n" = 4 ] && [ "$w" = 4 ]; then
	ok "entrants: a multi-threaded entrant: each of 4 threads' file writes is seen, each read refused"
else
	not_ok "entrants: a multi-threaded entrant" "output: $out" "Findings: $n (want 4)" \
		"threads whose file write was seen: $w (want 4)" "$T/threads.err"
fi

# Signals and exit status reach the entered process as natively.
start_ns signals || exit 1
enter 'sleep 0.5; kill -TERM $$; echo not reached'
stop_ns
[ "$rc" = 143 ] && [ -z "$out" ] && ok "entrants: a signal ends an entered shell as natively (exit 143)" ||
	not_ok "entrants: a signal ends an entered shell" "rc $rc (want 143), output: $out"

# Faster than discovery: a process that enters and exits at once may go
# unseen (README, Limitations); a child it leaves behind is found and
# traced, and the sensor stays whole either way.
start_ns fast || exit 1
for i in $(seq 20); do
	nsenter -t "$target" -p -m /bin/true
done
nsenter -t "$target" -p -m /bin/sh -c '(sleep 0.5; cat /etc/shadow >/dev/null 2>&1; echo left >/dev/null) & exit 0'
sleep 1.5
alive=$(pgrep -P "$target" -x sleep | wc -l)
stop_ns
n=$(findings fast sensitive-file-read)
[ "$n" = 1 ] && ok "entrants: the child a fast entrant leaves behind is found and traced" ||
	not_ok "entrants: the orphan of a fast entrant" "Findings: $n (want 1)" "$T/fast.ev"
[ "$alive" = 1 ] && ok "entrants: 20 entrants faster than discovery leave the application running" ||
	not_ok "entrants: fast entrants" "application processes: $alive" "$T/fast.err"

# falcon-sensor status, through the same door as ECS Exec: before and after
# a session, as text and as JSON; and the application cannot use the
# channel: it has no request to send, and the name is taken.
# The sensor runs from below /var/tmp here, as it runs from the volume
# below /tmp on ECS: its own program, run by a session, meets no rule
# (exec-from-tmp would refuse it in prevent mode); a copy of it is just
# another program from /var/tmp.
cp "$SENSOR" "$T/falcon-sensor"
cp "$SENSOR" "$T/copy-of-sensor"
SENSOR_SAVED=$SENSOR SENSOR=$T/falcon-sensor
start_ns status --mode=prevent || exit 1
SENSOR=$SENSOR_SAVED
STATUS="$T/falcon-sensor status"
enter "sleep 0.3; $T/copy-of-sensor status --json >/dev/null 2>&1; echo \$?"
copy_rc=$out
enter "sleep 0.3; $STATUS --json"
before=$out before_rc=$rc
enter "$SESSION"
sleep 0.3
enter "$STATUS --json"
after=$out after_rc=$rc
enter "$STATUS"
text=$out text_rc=$rc
# The application's side: a traced process of the application writes to
# the socket and tries to bind its name.
app_try=$(nsenter -t "$target" -p -m python3 -c '
import os, socket
name = "\0falcon-sensor/status/%d" % os.stat("/proc/self/ns/pid").st_ino
c = socket.socket(socket.AF_UNIX); c.connect(name)
try:
    c.sendall(b"stop\nkill\n" * 1000)  # the sensor reads none of it
except OSError:
    pass
c.close()
b = socket.socket(socket.AF_UNIX)
try:
    b.bind(name); print("bound")
except OSError as e:
    print("taken" if e.errno == 98 else e)' 2>&1)
enter "$STATUS --json"
still=$out
stop_ns
if [ "$before_rc" = 0 ] && [ "$after_rc" = 0 ] &&
	jq -e '.mode == "prevent" and .rules > 20 and .pid == 1 and .events.dropped == 0 and .sink.kind == "file" and .sink.state == "ok" and .peak_rss_kib > 0 and .processes.watching_entrants' <<<"$before" >/dev/null; then
	ok "entrants: status --json: version, pid, mode, rules, events, sink and peak RSS"
else
	not_ok "entrants: status --json" "rc $before_rc: $before" "$T/status.err"
fi
b=$(jq '.findings["sensitive-file-read"] // 0' <<<"$before")
a=$(jq '.findings["sensitive-file-read"] // 0' <<<"$after")
eb=$(jq .processes.entered <<<"$before")
ea=$(jq .processes.entered <<<"$after")
wb=$(jq .events.written <<<"$before")
wa=$(jq .events.written <<<"$after")
if [ "$a" = $((b + 1)) ] && [ "$ea" -gt "$eb" ] && [ "$wa" -gt "$wb" ]; then
	ok "entrants: status after a session: its Finding counted by rule, its processes as entered, more events"
else
	not_ok "entrants: status before and after" "sensitive-file-read $b -> $a" \
		"entered $eb -> $ea" "events $wb -> $wa"
fi
case $text in
*"mode prevent"*"Findings:"*"sensitive-file-read"*) [ "$text_rc" = 0 ] &&
	ok "entrants: status: one screen of text" || not_ok "entrants: status text" "rc $text_rc" ;;
*) not_ok "entrants: status text" "$text" ;;
esac
if [ "$app_try" = taken ] && jq -e .version <<<"$still" >/dev/null; then
	ok "entrants: the application writes to the status socket and cannot bind its name; the sensor answers on"
else
	not_ok "entrants: the status channel from the application" "app: $app_try" "after: $still"
fi
n=$(events status '.class_uid == 2004 and .finding_info.analytic.uid == "exec-from-tmp"' | wc -l)
if [ "$before_rc" = 0 ] && [ "$copy_rc" = 126 ] && [ "$n" = 1 ]; then
	ok "entrants: status run by a session from the sensor's own file below /var/tmp meets no rule; a copy of it is refused (prevent)"
else
	not_ok "entrants: the sensor's own program" "status rc $before_rc, the copy's rc $copy_rc (want 126)" \
		"exec-from-tmp Findings: $n (want 1, the copy's)" "$T/status.ev"
fi
"$SENSOR" status >/dev/null 2>"$T/nostatus.err"
rc=$?
[ $rc = 107 ] && grep -q "no sensor answers in this container" "$T/nostatus.err" &&
	ok "entrants: status where no sensor runs: exit 107 and why" ||
	not_ok "entrants: status without a sensor" "rc $rc (want 107)" "$T/nostatus.err"
"$SENSOR" status --yaml >/dev/null 2>"$T/badopt.err"
rc=$?
[ $rc = 100 ] && grep -q -- '--json' "$T/badopt.err" && ok "entrants: status with an unknown option: exit 100, names --json" ||
	not_ok "entrants: status --yaml" "rc $rc" "$T/badopt.err"

# ECS Exec's agent, which cannot run here: a fixture stands in for its
# session worker (bash under the worker's name, outside the temporary
# directories whose programs a rule reports). What it starts is marked as
# entered through ECS Exec; the worker itself raises no Finding.
A=$(mktemp -d /opt/fc-agent.XXXXXX)
trap 'stop_ns; rm -rf "$T" "$A"' EXIT
cp /bin/bash "$A/ssm-session-worker"
start_ns agent || exit 1
out=$(nsenter -t "$target" -p -m "$A/ssm-session-worker" -c 'sleep 0.5; sh -c "cat /etc/shadow >/dev/null; echo done"' 2>&1)
rc=$?
stop_ns
n=$(events agent '.class_uid == 1007 and .activity_id == 1 and .unmapped.entered_via == "ecs-exec" and .process.name == "ssm-session-worker"' | wc -l)
m=$(events agent '.class_uid == 2004 and .finding_info.analytic.uid == "sensitive-file-read" and .unmapped.entered_via == "ecs-exec"' | wc -l)
w=$(events agent '.class_uid == 2004 and .evidences[0].process.name == "ssm-session-worker"' | wc -l)
if [ "$rc" = 0 ] && [ "$out" = done ] && [ "$n" -ge 1 ] && [ "$m" = 1 ] && [ "$w" = 0 ]; then
	ok "entrants: ECS Exec's session worker (a fixture): its session is marked entered_via ecs-exec, the worker raises no Finding"
else
	not_ok "entrants: the ECS Exec agent" "rc $rc, output: $out" "worker Launches: $n" \
		"read Findings via ecs-exec: $m (want 1)" "Findings of the worker itself: $w (want 0)" \
		"$T/agent.ev"
fi

# Near miss: --entrants=off, the same session is not traced at all.
start_ns off --entrants=off || exit 1
enter "$SESSION"
stop_ns
n=$(events off '.unmapped.entered_from_outside == true' | wc -l)
[ "$rc" = 7 ] && [ "$n" = 0 ] && ok "entrants: --entrants=off: the session runs untraced (what the watch adds)" ||
	not_ok "entrants: --entrants=off" "rc $rc, entered events: $n" "$T/off.ev"

exit $failed
