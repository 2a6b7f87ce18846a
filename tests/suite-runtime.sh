#!/usr/bin/env bash
# suite-runtime.sh: falcon-launcher, falcon-sensor and falcon-init as real
# processes on the host. Wherever there is an unpatched behaviour to compare
# with, the application (tests/runtime/probe.c) runs twice in the same
# environment, once directly and once as a patched container would run it
# (FALCON_APP_ENTRYPOINT + FALCONCTL_OPTS + launcher with the command as
# arguments), and the two runs' stdout, stderr and exit status must be
# identical. The init's tests run in a private mount namespace
# (tests/runtime/init.sh) so that they can mount small tmpfs volumes.
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
ROOT=$PWD
. tests/runtime/lib.sh

if [ "$(id -u)" != 0 ]; then
	bail_out "runtime: must run as root (setpriv to uid 1000, unshare, tmpfs mounts)"
fi
runtime_scratch runtime || bail_out "runtime: cannot make a directory in /tmp"

for f in "$BUILD/payload/falcon-launcher" "$BUILD/payload/falcon-sensor" \
	"$BUILD/payload/MANIFEST" "$BUILD/falcon-init"; do
	if [ ! -x "$f" ] && [ ! -f "$f" ]; then
		bail_out "runtime: $f is not built (run make all)"
	fi
done
if ! ${CC:-cc} -O2 -Wall -Wextra -D_GNU_SOURCE -o "$T/probe" tests/runtime/probe.c; then
	bail_out "runtime: cannot build tests/runtime/probe.c"
fi
PROBE=$T/probe
cp -r "$BUILD/payload" "$T/payload"
LAUNCHER=$T/payload/falcon-launcher
SPATH=/usr/local/bin:/usr/bin:/bin

# ---------------------------------------------------------------------------
# Direct and patched runs side by side.
#
# run_pair NAME NEP ARGV...: the first NEP words of ARGV are the entrypoint,
# the rest the command. Both runs use: PRE (a wrapper command, such as
# setpriv), ENVV (the whole environment), RUN_CWD, STDIN, OPTS
# (FALCONCTL_OPTS) and LAUNCHER. The same files receive stdout and stderr
# in both runs, so that the probe sees the same inodes.
PRE=()
ENVV=(PATH=$SPATH HOME=/root "GREETING=hello world" LD_LIBRARY_PATH=/app/lib LANG=C.UTF-8)
RUN_CWD=$T
STDIN=/dev/null
# The sensor's events go to a file: this suite checks the process contract
# (tests/suite-sensor.sh checks the events), and the app's own stderr must
# compare byte for byte.
# Some runs are uid 1000.
# The file is made open to all up front (not sticky: protected_regular
# would then refuse other users' O_CREAT on it).
chmod 711 "$T"
mkdir -m 777 "$T/events"
install -m 666 /dev/null "$T/events/events.jsonl"
BASE_OPTS="--cid=$CID --sink=file:$T/events/events.jsonl"
OPTS=$BASE_OPTS
export BASE_OPTS # tests/runtime/init.sh runs the launcher too

run_pair() {
	local name=$1 nep=$2
	shift 2
	local ep=("${@:1:nep}") cmd=("${@:nep+1}") json rc
	json=$(json_strv ${ep[@]+"${ep[@]}"})
	rc=0
	# The braces take the shell's own "Killed" and such notices, which are
	# not the application's output.
	{ (cd "$RUN_CWD" && exec ${PRE[@]+"${PRE[@]}"} /usr/bin/env -i "${ENVV[@]}" "$@") \
		<"$STDIN" >"$T/out" 2>"$T/err" || rc=$?; } 2>/dev/null
	echo "$rc" >"$T/$name.d.rc"
	cp "$T/out" "$T/$name.d.out"
	cp "$T/err" "$T/$name.d.err"
	rc=0
	# Our variables go in the middle, so that removing them is seen to keep
	# the order of the others.
	(cd "$RUN_CWD" && exec ${PRE[@]+"${PRE[@]}"} /usr/bin/env -i "${ENVV[0]}" \
		FALCON_APP_ENTRYPOINT="$json" "${ENVV[@]:1}" FALCONCTL_OPTS="$OPTS" \
		"$LAUNCHER" ${cmd[@]+"${cmd[@]}"}) <"$STDIN" >"$T/out" 2>"$T/err" || rc=$?
	echo "$rc" >"$T/$name.p.rc"
	cp "$T/out" "$T/$name.p.out"
	cp "$T/err" "$T/$name.p.err"
}

# unsupervised FILE: the probe's report as it would read without the
# sensor's deliberate changes, which suite-sensor.sh and suite-evasions.sh
# test on their own: the capabilities that open a way around the sensor
# (protect.c: DAC_READ_SEARCH 2, LINUX_IMMUTABLE 9, NET_ADMIN 12, NET_RAW
# 13, SYS_MODULE 16, SYS_RAWIO 17, SYS_CHROOT 18, SYS_PTRACE 19, SYS_PACCT
# 20, SYS_ADMIN 21, SYS_BOOT 22, SYS_NICE 23, SYS_RESOURCE 24, SYS_TIME 25,
# AUDIT_CONTROL 30, SETFCAP 31, MAC_OVERRIDE 32, MAC_ADMIN 33, PERFMON 38,
# BPF 39, CHECKPOINT_RESTORE 40) are dropped from the app, and the seccomp
# filter sets NoNewPrivs and Seccomp; and stdout and stderr, when they are
# a file, pipe or socket, reach the app as the write ends of the sensor's
# log relay pipes (sensor-shim/supervise/relay.h): the same access, O_NONBLOCK and
# close-on-exec, another object (its type, O_APPEND and inode are the
# pipe's). A terminal is left alone and still compared whole.
unsupervised() {
	python3 -c '
import re, sys
cap = re.compile(rb"^(status Cap\w+:\t)([0-9a-f]+)$")
relayed = re.compile(rb"^(fd [12]) (?:reg|fifo|sock) (acc=\d) append=\d (nonblock=\d cloexec=\d)(?: dev=\S+ ino=\S+ rdev=\S+)?$")
dropped = sum(1 << c for c in (2, 9, 12, 13, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25,
                               30, 31, 32, 33, 38, 39, 40))
for line in open(sys.argv[1], "rb"):
    body = line.rstrip(b"\n")
    m = cap.match(body)
    r = relayed.match(body)
    if m:
        line = m.group(1) + b"%016x\n" % (int(m.group(2), 16) & ~dropped)
    elif r:
        line = b"%s relayed %s %s\n" % r.groups()
    elif re.match(rb"^status (NoNewPrivs|Seccomp):", body):
        continue
    sys.stdout.buffer.write(line)' "$1"
}

# same NAME DESC: the direct and patched runs of NAME did the same.
same() {
	local n=$T/$1
	if cmp -s <(unsupervised "$n.d.out") <(unsupervised "$n.p.out") &&
		cmp -s "$n.d.err" "$n.p.err" && cmp -s "$n.d.rc" "$n.p.rc"; then
		ok "$2"
	else
		not_ok "$2"
		echo "# direct exit $(cat "$n.d.rc"), patched exit $(cat "$n.p.rc")"
		diff "$n.d.out" "$n.p.out" | head -n 20 | sed 's/^/#   out /'
		diff "$n.d.err" "$n.p.err" | head -n 20 | sed 's/^/#   err /'
	fi
}

# has NAME WHICH PATTERN: grep in a run's file (d.out, p.err, ...).
has() { grep -q -- "$3" "$T/$1.$2"; }

run_pair args 2 "$PROBE" state x 'two words' '' "quote\"back\\slash" 'ünï'
same args "argv (entrypoint + command, empty and non-ASCII arguments), env, cwd, IDs, umask, signals, caps, rlimits, fds"
check "the probe reports what it saw (sanity)" has args p.out '^argv\[3\]=two words$'
if grep -q 'FALCON' "$T/args.p.out"; then not_ok "no FALCON_* variable reaches the app"; else ok "no FALCON_* variable reaches the app"; fi
check "the app's own LD_LIBRARY_PATH passes through untouched" has args p.out '^env LD_LIBRARY_PATH=/app/lib$'

run_pair override 2 "$PROBE" state --overridden-command
same override "a command override replaces the command"

run_pair cmdonly 0 "$PROBE" state from-cmd
same cmdonly "an empty entrypoint: the command alone is the argv (CMD-only image)"

PATHDIR=$T/bin
mkdir -p "$PATHDIR"
cp "$PROBE" "$PATHDIR/probe-on-path"
ENVV=(PATH=/nonexistent:$PATHDIR:$SPATH HOME=/root)
run_pair pathname 1 probe-on-path state
same pathname "argv[0] found on the container's PATH, as runc finds it"
ENVV=(PATH=$SPATH HOME=/root "GREETING=hello world" LD_LIBRARY_PATH=/app/lib LANG=C.UTF-8)

mkdir -p "$T/work dir"
RUN_CWD="$T/work dir"
run_pair cwd 2 "$PROBE" state
same cwd "the working directory reaches the app"
RUN_CWD=$T

PRE=(setpriv --reuid=1000 --regid=1000 --clear-groups)
run_pair uid 2 "$PROBE" state
same uid "uid/gid 1000 and no groups reach the app"
check "the probe ran as uid 1000 (sanity)" has uid p.out '^status Uid:	1000'
PRE=()

PRE=(sh -c 'umask 027 && exec "$@"' sh)
run_pair umask 2 "$PROBE" state
same umask "umask 027 reaches the app"
check "the probe saw umask 0027 (sanity)" has umask p.out '^status Umask:	0027'
PRE=()

PRE=(python3 "$ROOT/tests/runtime/libc_signals_ignored.py")
run_pair libcsig 2 "$PROBE" state
same libcsig "signals 32 and 33, glibc's own, inherited ignored reach the app ignored"
check "the probe saw signals 32 and 33 ignored (sanity)" has libcsig p.out '^status SigIgn:	0000000[13579bdf][89a-f]'
PRE=()

PRE=(prlimit --nofile=1000:2000 --core=0:4096 --stack=4194304:16777216 --nproc=500:600 --)
run_pair rlimit 2 "$PROBE" state
same rlimit "rlimits (nofile, core, stack, nproc) reach the app"
check "the probe saw NOFILE=1000:2000 (sanity)" has rlimit p.out '^rlimit NOFILE=1000:2000$'
PRE=()

PRE=("$PROBE" with --block USR1,HUP,WINCH,TERM --ignore INT,QUIT,PIPE,CHLD,USR2 --)
run_pair sigstate 2 "$PROBE" state
same sigstate "blocked signals and ignored signals (SIGCHLD included) reach the app"
check "the probe saw SIGCHLD ignored (sanity)" has sigstate p.out '^ignored 17$'
PRE=()

printf 'line one\nline two\n\0binary\377' >"$T/stdin-data"
STDIN=$T/stdin-data
run_pair stdio 2 "$PROBE" cat
same stdio "stdin, stdout and stderr pass through byte for byte"
STDIN=/dev/null

PRE=(sh -c 'exec 5</etc/hostname 7>>"$0/extra-fd" && exec "$@"' "$T")
run_pair fds 2 "$PROBE" state
same fds "extra inherited fds pass through, and nothing of ours is left open"
check "stdout and stderr, files here, reach the app as the log relay's pipes (and are files without the sensor)" \
	eval 'has fds p.out "^fd 1 fifo acc=1 append=0 nonblock=0 cloexec=0$" &&
	has fds p.out "^fd 2 fifo acc=1 append=0 nonblock=0 cloexec=0$" &&
	has fds d.out "^fd 1 reg " && has fds d.out "^fd 2 reg "'
PRE=()

for n in 0 1 2 3 100 126 127 255; do
	run_pair "exit$n" 2 "$PROBE" exit "$n"
	same "exit$n" "exit code $n is the app's"
done
for s in TERM KILL INT HUP USR1 USR2 SEGV ABRT; do
	run_pair "die$s" 2 "$PROBE" die "$s"
	same "die$s" "death by SIG$s gives the same status (128+N)"
done

# ---------------------------------------------------------------------------
# Signals sent to the container's main process reach the app, once.
#
# signal_test SIG MODE: MODE "plain" runs the launcher as it is; "pid1" runs
# it as PID 1 of a new PID namespace, as in a container.
signal_test() {
	local sig=$1 mode=$2 json pid target line rc w r desc
	desc="SIG$sig reaches the app exactly once ($mode)"
	rm -f "$T/sig.in" "$T/sig.out"
	mkfifo "$T/sig.in" "$T/sig.out"
	json=$(json_strv "$PROBE" catch "$sig")
	if [ "$mode" = pid1 ]; then
		/usr/bin/env -i PATH=$SPATH FALCON_APP_ENTRYPOINT="$json" FALCONCTL_OPTS="$BASE_OPTS" \
			unshare --pid --fork --mount-proc "$LAUNCHER" \
			<"$T/sig.in" >"$T/sig.out" 2>"$T/sig.err" &
	else
		/usr/bin/env -i PATH=$SPATH FALCON_APP_ENTRYPOINT="$json" FALCONCTL_OPTS="$BASE_OPTS" \
			"$LAUNCHER" <"$T/sig.in" >"$T/sig.out" 2>"$T/sig.err" &
	fi
	pid=$!
	jobs_to_kill+=("$pid")
	exec {w}>"$T/sig.in" {r}<"$T/sig.out"
	# 30 s bounds a hang; it is not a timing threshold.
	if ! read -r -t 30 line <&"$r" || [ "$line" != ready ]; then
		not_ok "$desc: the app did not start (${line:-nothing})"
		kill -9 "$pid" 2>/dev/null
		exec {w}>&- {r}<&-
		wait "$pid" 2>/dev/null
		diag "$T/sig.err"
		return
	fi
	target=$pid
	if [ "$mode" = pid1 ]; then
		target=$(cat "/proc/$pid/task/$pid/children")
		target=${target%% *}
	fi
	kill -s "$sig" "$target"
	read -r -t 30 line <&"$r" || line=
	exec {w}>&-
	if [ "$line" = "got $sig" ] && read -r -t 30 line <&"$r" &&
		[ "$line" = "count $sig=1" ]; then
		exec {r}<&-
		rc=0
		wait "$pid" || rc=$?
		if [ "$rc" = 0 ]; then ok "$desc"; else not_ok "$desc: exit $rc"; diag "$T/sig.err"; fi
	else
		exec {r}<&-
		not_ok "$desc: got \"$line\""
		kill -9 "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		diag "$T/sig.err"
	fi
}
for mode in plain pid1; do
	for s in TERM INT HUP QUIT USR1 USR2 WINCH CONT ALRM PIPE URG TSTP TTIN TTOU SYS RTMIN+3; do
		signal_test "$s" "$mode"
	done
done

# ---------------------------------------------------------------------------
# Orphans of the app are adopted and reaped by the sensor.
for mode in plain pid1; do
	json=$(json_strv "$PROBE" orphans 5)
	if [ "$mode" = pid1 ]; then
		pre=(unshare --pid --fork --mount-proc)
	else
		pre=()
	fi
	out=$(/usr/bin/env -i PATH=$SPATH FALCON_APP_ENTRYPOINT="$json" FALCONCTL_OPTS="$BASE_OPTS" \
		${pre[@]+"${pre[@]}"} "$LAUNCHER" 2>"$T/orphans.err")
	rc=$?
	if [[ $out == "orphans=5 adopted_by_parent=5 reaped=5 "* ]] && [ $rc = 0 ]; then
		ok "the app's orphaned grandchildren are adopted and reaped by the sensor ($mode)"
	else
		not_ok "the app's orphaned grandchildren are adopted and reaped by the sensor ($mode): $out, exit $rc"
		diag "$T/orphans.err"
	fi
done

# ---------------------------------------------------------------------------
# A controlling terminal: the app owns the foreground, ^C reaches it once.
for mode in direct patched; do
	out=$(python3 tests/runtime/on_tty.py "$mode" "$LAUNCHER" "$PROBE" "$CID" 2>&1)
	if [ "$out" = "foreground=1 got INT count INT=1 exit 0" ]; then
		ok "on a TTY the app is in the foreground and ^C reaches it once ($mode)"
	else
		not_ok "on a TTY the app is in the foreground and ^C reaches it once ($mode): $out"
	fi
done

# ---------------------------------------------------------------------------
# argv[0] resolution, as runc does it: 127 not found, 126 not executable.
#
# resolve DESC RC PATTERN ENV_PATH ARGV...: the launcher alone, without a
# direct run to compare with (the reference is runc, which is not here).
resolve() {
	local desc=$1 want=$2 pattern=$3 path=$4 json rc
	shift 4
	json=$(json_strv "$@")
	rc=0
	(cd "$T/rdir" && exec /usr/bin/env -i ${path:+PATH=$path} FALCON_APP_ENTRYPOINT="$json" \
		FALCONCTL_OPTS="$BASE_OPTS" "$LAUNCHER") >"$T/res.out" 2>"$T/res.err" </dev/null || rc=$?
	if [ "$rc" = "$want" ] && { [ -z "$pattern" ] || grep -q -- "$pattern" "$T/res.err"; }; then
		ok "$desc"
	else
		not_ok "$desc: exit $rc"
		diag "$T/res.err" "$T/res.out"
	fi
}
mkdir -p "$T/rdir/d1" "$T/rdir/d2" "$T/rdir/adir"
printf 'echo from-script\n' >"$T/rdir/noshebang"
chmod 755 "$T/rdir/noshebang"
printf 'data\n' >"$T/rdir/plain"
chmod 644 "$T/rdir/plain"
cp "$T/rdir/plain" "$T/rdir/d1/tool"
printf '#!/bin/sh\necho "tool from d2"\n' >"$T/rdir/d2/tool"
chmod 755 "$T/rdir/d2/tool"
cp "$PROBE" "$T/rdir/here"
cp "$PROBE" "$T/rdir/rootonly"
chmod 700 "$T/rdir/rootonly"

resolve "a name not on PATH: 127" 127 'executable file not found in $PATH' "$SPATH" no-such-program
resolve "an absolute path that does not exist: 127" 127 'no such file or directory' "$SPATH" /nonexistent/prog
resolve "an absolute path to a file without x bits: 126" 126 'cannot be executed: Permission denied' "$SPATH" "$T/rdir/plain"
resolve "a directory: 126" 126 'cannot be executed: Is a directory' "$SPATH" "$T/rdir/adir"
resolve "a non-executable file on PATH is skipped, as runc skips it: 127" 127 'not found in $PATH' "$T/rdir/d1" tool
resolve "PATH is searched in order, skipping non-executable matches" 0 '' "$T/rdir/d1:$T/rdir/d2:$SPATH" tool
check "... and the later executable match ran" grep -q 'tool from d2' "$T/res.out"
resolve "a script without #! is not run through /bin/sh (as runc): 126" 126 'Exec format error' "$SPATH" "$T/rdir/noshebang"
check "... and nothing of the script ran" test ! -s "$T/res.out"
resolve "a relative path with a slash is taken from the working directory" 0 '' "$SPATH" ./here exit 0
resolve "a match only in an empty PATH entry is refused, as runc refuses it: 127" 127 'relative to the current directory' "/nonexistent::$SPATH" here
resolve "a match only in a \".\" PATH entry is refused: 127" 127 'relative to the current directory' ".:$SPATH" here
resolve "no PATH at all: a bare name is not found: 127" 127 'not found in $PATH' "" here
rc=0
(cd "$T" && exec setpriv --reuid=1000 --regid=1000 --clear-groups /usr/bin/env -i PATH=$SPATH \
	FALCON_APP_ENTRYPOINT="$(json_strv "$T/rdir/rootonly" exit 0)" FALCONCTL_OPTS="$BASE_OPTS" \
	"$LAUNCHER") >/dev/null 2>"$T/res.err" || rc=$?
if [ $rc = 126 ] && grep -q 'Permission denied' "$T/res.err"; then
	ok "a file only root may execute, run as uid 1000: 126 (access checked for the effective IDs)"
else
	not_ok "a file only root may execute, run as uid 1000: 126: exit $rc"
	diag "$T/res.err"
fi
if [ "$(wc -l <"$T/res.err")" = 1 ]; then ok "each resolution failure is one line"; else not_ok "each resolution failure is one line"; diag "$T/res.err"; fi

# ---------------------------------------------------------------------------
# FALCONCTL_OPTS, and what happens when the sensor cannot start.
#
# launch NAME OPTS|- [LAUNCHER] -- ARGV...: the launcher with FALCONCTL_OPTS
# (unset when "-"); leaves $T/NAME.{out,err,rc}.
launch() {
	local name=$1 opts="--sink=file:$T/events/events.jsonl $2" l=$LAUNCHER json rc
	[ "$2" = - ] && opts=-
	shift 2
	if [ "$1" != -- ]; then l=$1; shift; fi
	shift
	json=$(json_strv "$@")
	rc=0
	if [ "$opts" = - ]; then
		/usr/bin/env -i PATH=$SPATH FALCON_APP_ENTRYPOINT="$json" "$l" \
			>"$T/$name.out" 2>"$T/$name.err" </dev/null || rc=$?
	else
		/usr/bin/env -i PATH=$SPATH FALCON_APP_ENTRYPOINT="$json" FALCONCTL_OPTS="$opts" "$l" \
			>"$T/$name.out" 2>"$T/$name.err" </dev/null || rc=$?
	fi
	echo "$rc" >"$T/$name.rc"
}
# expect NAME DESC RC SUPERVISED(yes|no|-) ERR_LINES [PATTERN...]: the run's
# exit status, whether the sensor ran the app (probe parent), the number of
# stderr lines and patterns that stderr must hold.
expect() {
	local name=$1 desc=$2 rc=$3 sup=$4 lines=$5 p good=1
	shift 5
	[ "$(cat "$T/$name.rc")" = "$rc" ] || good=0
	case $sup in
	yes) grep -q '^parent=falcon-sensor$' "$T/$name.out" || good=0 ;;
	no) grep -q '^parent=' "$T/$name.out" && ! grep -q '^parent=falcon-sensor$' "$T/$name.out" || good=0 ;;
	none) [ ! -s "$T/$name.out" ] || good=0 ;;
	esac
	[ "$(wc -l <"$T/$name.err")" = "$lines" ] || good=0
	for p in "$@"; do grep -q -- "$p" "$T/$name.err" || good=0; done
	if [ $good = 1 ]; then
		ok "$desc"
	else
		not_ok "$desc"
		echo "# exit $(cat "$T/$name.rc")"
		diag "$T/$name.out" "$T/$name.err"
	fi
}

launch plainopts "--cid=$CID" -- "$PROBE" parent
expect plainopts "--cid alone: the sensor supervises the app, silently" 0 yes 0
launch unknown "--cid=$CID --tags=web,prod --apd=true --aph=proxy.local --app=8080 --billing=metered --provisioning-token=0123abcd -s" -- "$PROBE" parent
expect unknown "unknown falconctl options are accepted with one warning line each" 0 yes 6 \
	'ignoring falconctl option "--apd"' '"--provisioning-token"' '"-s"'
if grep -q 0123abcd "$T/unknown.err"; then not_ok "option values are not logged (they may be secrets)"; else ok "option values are not logged (they may be secrets)"; fi
launch quoted "--cid=$CID  --apd='a b',\"c d\" \"--trace=info\" --x=\\ y" -- "$PROBE" parent
expect quoted "FALCONCTL_OPTS is split like a shell word list, quotes and backslashes included" 0 yes 4 \
	'"--apd"' '"--x"' 'falcon-sensor: supervising'
launch tinfo "--cid=$CID --trace=info" -- "$PROBE" parent
expect tinfo "--trace=info: the sensor says what it supervises and how the app ended" 0 yes 2 \
	'falcon-sensor: supervising' 'exited with status 0'
launch tnone "--cid=$CID --trace=none --tags=x" -- "$PROBE" parent
expect tnone "--trace=none silences the warnings" 0 yes 0
launch tdebug "--cid=$CID --trace=debug" -- "$PROBE" parent
expect tdebug "--trace=debug: the launcher says which sensor it starts" 0 yes 5 'debug: starting .*falcon-sensor' 'debug: by inode: ' \
	'debug: guard: [0-9]* files leased'

launch badtrace "--cid=$CID --trace=loud" -- "$PROBE" parent
expect badtrace "a bad --trace value: fail-open, the app runs unprotected after a loud line" 0 no 1 \
	'WITHOUT the Falcon sensor (fail-open): FALCONCTL_OPTS: --trace=loud is not a trace level'
launch nocid "--trace=info" -- "$PROBE" parent
expect nocid "no --cid: fail-open" 0 no 1 'no --cid=<customer ID>; re-run falcon-patcher with -cid'
launch badcid "--cid=0123" -- "$PROBE" parent
expect badcid "a malformed --cid: fail-open" 0 no 1 'is not a customer ID'
launch twice "--cid=$CID --trace=info --trace=err" -- "$PROBE" parent
expect twice "a repeated option: fail-open" 0 no 1 '--trace is given twice'
launch unset - -- "$PROBE" parent
expect unset "FALCONCTL_OPTS unset: fail-open" 0 no 1 'FALCONCTL_OPTS is not set'
launch unterminated "--cid=$CID --tags='oops" -- "$PROBE" parent
expect unterminated "an unterminated quote: fail-open" 0 no 1 'unterminated single quote'
launch closedbad "--cid=$CID --trace=loud --fail=closed" -- "$PROBE" parent
expect closedbad "a bad option with --fail=closed: exit 101, the app does not run" 101 none 1 \
	'--fail=closed is set: the application does not run'
launch failbogus "--cid=$CID --fail=maybe" -- "$PROBE" parent
expect failbogus "--fail=maybe is read as closed: exit 101" 101 none 1 '--fail=maybe is not a fail mode'
launch closedquote "--cid=$CID --fail=closed --tags='oops" -- "$PROBE" parent
expect closedquote "--fail=closed is honoured even when the quoting is broken" 101 none 1 'unterminated single quote'
launch failopen "--cid=$CID --fail=open" -- "$PROBE" parent
expect failopen "--fail=open is understood and not warned about" 0 yes 0

# The sensor run by hand: its own usage errors, and its own fail-open.
rc=0
"$T/payload/falcon-sensor" --cid=$CID >"$T/s.out" 2>"$T/s.err" || rc=$?
if [ $rc = 100 ] && grep -q 'no application to run: usage: falcon-sensor' "$T/s.err"; then
	ok "falcon-sensor without \"-- PATH ARGV0\": exit 100 with its usage"
else
	not_ok "falcon-sensor without \"-- PATH ARGV0\": exit 100 with its usage: exit $rc"
	diag "$T/s.err"
fi
rc=0
"$T/payload/falcon-sensor" --trace=info -- "$PROBE" probe parent >"$T/s.out" 2>"$T/s.err" || rc=$?
if [ $rc = 0 ] && grep -q 'WITHOUT the Falcon sensor (fail-open): no --cid' "$T/s.err" &&
	! grep -q falcon-sensor "$T/s.out"; then
	ok "falcon-sensor with a bad option fails open by itself"
else
	not_ok "falcon-sensor with a bad option fails open by itself: exit $rc"
	diag "$T/s.out" "$T/s.err"
fi
rc=0
"$T/payload/falcon-sensor" --cid=$CID --fail=closed --bogus -- "$PROBE" probe exit 3 >"$T/s.out" 2>"$T/s.err" || rc=$?
if [ $rc = 3 ] && grep -q 'ignoring option "--bogus"' "$T/s.err"; then
	ok "falcon-sensor run by hand warns about an unknown option and runs the app"
else
	not_ok "falcon-sensor run by hand warns about an unknown option and runs the app: exit $rc"
	diag "$T/s.err"
fi

# The sensor missing, not executable, or not a program.
for kind in missing noexec garbage; do
	mkdir -p "$T/p-$kind"
	cp "$LAUNCHER" "$T/p-$kind/falcon-launcher"
	case $kind in
	missing) ;;
	noexec) cp "$T/payload/falcon-sensor" "$T/p-$kind/" && chmod 644 "$T/p-$kind/falcon-sensor" ;;
	garbage) printf 'not a program\n' >"$T/p-$kind/falcon-sensor" && chmod 755 "$T/p-$kind/falcon-sensor" ;;
	esac
	launch "open-$kind" "--cid=$CID" "$T/p-$kind/falcon-launcher" -- "$PROBE" exit 7
	expect "open-$kind" "sensor $kind, fail-open: the app runs with its own exit code after a loud line" 7 - 1 \
		'WITHOUT the Falcon sensor (fail-open): cannot execute the sensor'
	launch "openp-$kind" "--cid=$CID" "$T/p-$kind/falcon-launcher" -- "$PROBE" parent
	expect "openp-$kind" "sensor $kind, fail-open: the app is not supervised" 0 no 1
	launch "closed-$kind" "--cid=$CID --fail=closed" "$T/p-$kind/falcon-launcher" -- "$PROBE" state
	expect "closed-$kind" "sensor $kind, --fail=closed: exit 101 and the app does not run" 101 none 1 \
		'cannot execute the sensor'
done

# FALCON_APP_ENTRYPOINT problems: the definition must be patched again.
for case in 'unset' '["a",' '["a",1]' '{"a":"b"}' '"a"' '["\u0000"]' '[]'; do
	rc=0
	if [ "$case" = unset ]; then
		/usr/bin/env -i PATH=$SPATH FALCONCTL_OPTS="$BASE_OPTS" "$LAUNCHER" >"$T/ep.out" 2>"$T/ep.err" || rc=$?
	else
		/usr/bin/env -i PATH=$SPATH FALCON_APP_ENTRYPOINT="$case" FALCONCTL_OPTS="$BASE_OPTS" \
			"$LAUNCHER" >"$T/ep.out" 2>"$T/ep.err" || rc=$?
	fi
	if [ $rc = 100 ] && [ "$(wc -l <"$T/ep.err")" = 1 ] && [ ! -s "$T/ep.out" ] &&
		grep -Eq 're-run falcon-patcher|nothing to run' "$T/ep.err"; then
		ok "FALCON_APP_ENTRYPOINT $case (and no command): exit 100 with one line naming the fix"
	else
		not_ok "FALCON_APP_ENTRYPOINT $case (and no command): exit $rc"
		diag "$T/ep.err"
	fi
done

# ---------------------------------------------------------------------------
# The payload: static, and what the init copies.
for f in "$T/payload/falcon-launcher" "$T/payload/falcon-sensor" "$BUILD/falcon-init"; do
	if file "$f" | grep -q 'statically linked' && ! ldd "$f" >/dev/null 2>&1; then
		ok "$(basename "$f") is statically linked"
	else
		not_ok "$(basename "$f") is statically linked: $(file -b "$f")"
	fi
done
if unshare -m --propagation private tests/runtime/init.sh "$T/payload" "$BUILD/falcon-init" \
	"$T" "$PROBE"; then
	:
else
	failed=1
fi

exit $failed
