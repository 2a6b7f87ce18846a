#!/usr/bin/env bash
# suite-rules.sh: the sensor's detection rules, prevention, and its File
# System and Network events, on the host. tests/sensor/attack.c performs the
# trigger and the near miss of every built-in rule (sensor-shim/
# rules_builtin.json) natively and under falcon-sensor, in detect and in
# prevent mode; the Findings (tests/sensor/findings.py), the syscalls'
# answers and the events are checked against sensor-shim/RULES.md. Then
# --rules=FILE: a custom rule, overrides, and files the sensor must refuse.
set -u
cd "$(dirname "$0")/.." || exit 1
BUILD=${BUILD:-build}
SCHEMA=${OCSF_SCHEMA:-tests/ocsf-schema}
. tests/runtime/lib.sh

if [ "$(id -u)" != 0 ]; then
	skip "rules" "not root (the tests write below /etc, /usr/local/bin and /var/log, and unshare)"
	exit 0
fi
SENSOR=$BUILD/payload/falcon-sensor
if [ ! -x "$SENSOR" ]; then
	bail_out "rules: $SENSOR is not built (run make)"
fi
SENSOR=$(cd "$(dirname "$SENSOR")" && pwd)/falcon-sensor

# Two scratch directories: T below /tmp (events, outputs, and a program
# that exec-from-tmp must see), B outside it for the programs the tests
# run, so that only the tests meant to trigger exec-from-tmp do.
T=$(mktemp -d /tmp/fc-rules.XXXXXX) || bail_out "rules: cannot make a directory in /tmp"
B=
# The real files the tests write: created and removed by the tests, and
# removed here whatever happens.
SYS_ETC=/etc/falcon-rules-test-$$
SYS_BIN=/usr/local/bin/falcon-rules-test-$$
SYS_LOG=/var/log/falcon-rules-test-$$
# A program in a standard directory that a custom rule names (identity by
# inode: its hard links and symlinks elsewhere are it).
SYS_TOOL=/usr/local/bin/fc-idtool-$$
cleanup() {
	rm -f "$SYS_ETC" "$SYS_ETC"-a "$SYS_ETC"-b "$SYS_BIN" "$SYS_LOG" "$SYS_TOOL"
	if [ -z "${KEEP_SCRATCH:-}" ]; then
		rm -rf "$T"
		case $B in */rules-bin.??????) rm -rf "$B" ;; esac
	fi
}
trap cleanup EXIT
# B must not be below /tmp, /var/tmp or /dev/shm, where exec-from-tmp
# would fire on every program: the build directory, unless the checkout
# itself is there (CI may clone below /tmp), else /run or /var/lib.
for base in "$BUILD" /run /var/lib; do
	case $(cd "$base" 2> /dev/null && pwd)/ in
	/ | /tmp/* | /var/tmp/* | /dev/shm/*) continue ;;
	esac
	B=$(mktemp -d "$base/rules-bin.XXXXXX") && break
done
if [ -z "$B" ]; then
	bail_out "rules: no directory outside /tmp, /var/tmp and /dev/shm to build the test programs in"
fi
B=$(cd "$B" && pwd)
chmod 755 "$T" "$B"
ulimit -S -c 0

if ! ${CC:-cc} -O1 -Wall -Wextra -D_GNU_SOURCE -pthread -o "$B/attack" tests/sensor/attack.c 2>"$T/cc.err"; then
	bail_out "rules: cannot build tests/sensor/attack.c" "$T/cc.err"
fi
ATTACK=$B/attack
# python3 resolved once and without site-packages (the helpers use the
# standard library only): a version manager's shim costs a shell per call.
PYTHON=$(python3 -c 'import sys; print(sys.executable)')
py() { "$PYTHON" -S "$@"; }
FI=tests/sensor/findings.py
EV=tests/sensor/events.py
BUILTIN=sensor-shim/rules_builtin.json
# The schema is in the tree (tests/ocsf-schema); OCSF_SCHEMA may point
# elsewhere, but never to nothing: every event is checked against it.
if [ ! -f "$SCHEMA/dictionary.json" ]; then
	bail_out "the OCSF schema is not at $SCHEMA (set OCSF_SCHEMA, or restore tests/ocsf-schema)"
fi
SCHEMA=$(cd "$SCHEMA" && pwd)

# The programs the rules name, by the name executed: symlinks to true(1).
# pre/true is a copy made before any sensor starts (not "written since
# start"); tmpbin/true the same below /tmp.
mkdir -p "$B/bin" "$B/pre" "$B/drop" "$T/tmpbin" "$T/ev"
for p in nc socat xmrig myxmrig apt-get apt-cache nmap grep curl busybox; do
	ln -s /bin/true "$B/bin/$p"
done
cp /bin/true "$B/pre/true"
cp /bin/true "$T/tmpbin/true"
ln -s /etc/shadow "$T/shadow-link"
: >"$T/f"
chmod 644 "$T/f"
# Identity by object, all made before any sensor starts: hard links of
# /etc/shadow and /etc/passwd (same file system as B), a program the
# custom rule names and its hard link and symlink under innocent names, a
# symlink to busybox under an innocent name, an empty shared library
# outside and inside /tmp, a program to hard-link later, a mount point.
ln /etc/shadow "$B/shadow-hard"
ln /etc/passwd "$B/passwd-hard"
cp /bin/true "$SYS_TOOL"
ln "$SYS_TOOL" "$B/innocent"
ln -s "$SYS_TOOL" "$B/innocent-sym"
mkdir -p "$B/mc" "$B/mnt"
ln -s /bin/busybox "$B/mc/innocent"
cp /bin/true "$B/pre/link-src"
${CC:-cc} -shared -fPIC -o "$B/pre/empty.so" -x c /dev/null
cp "$B/pre/empty.so" "$T/tmpbin/empty.so"
LDSO=/lib64/ld-linux-x86-64.so.2

# ---------------------------------------------------------------------------
# Running things.

# sense NAME [SENSOR OPTION...] -- PATH ARGV0 [ARG...]: the program under
# the sensor; stdout, stderr, exit status, events in $T/NAME.{out,err,rc,ev}.
sense() {
	local name=$1 rc=0
	shift
	local opts=()
	while [ "$1" != -- ]; do opts+=("$1"); shift; done
	shift
	rm -f "$T/$name.ev"
	timeout -s KILL 60 "$SENSOR" --cid="$CID" --sink="file:$T/$name.ev" \
		${opts[@]+"${opts[@]}"} -- "$@" >"$T/$name.out" 2>"$T/$name.err" </dev/null || rc=$?
	echo "$rc" >"$T/$name.rc"
}
# atk NAME [SENSOR OPTION...] -- ATTACK-ARGS...: attack under the sensor.
atk() {
	local name=$1
	shift
	local opts=()
	while [ "$1" != -- ]; do opts+=("$1"); shift; done
	shift
	sense "$name" ${opts[@]+"${opts[@]}"} -- "$ATTACK" attack "$@"
}
# native NAME ATTACK-ARGS...: attack untraced, without the capabilities the
# sensor takes from the application, so that its answers compare; into
# $T/NAME.n.{out,err,rc}.
native() {
	local name=$1 rc=0
	shift
	timeout -s KILL 60 setpriv --inh-caps=-all --no-new-privs \
		--bounding-set=-sys_ptrace,-sys_admin,-bpf,-perfmon,-sys_module,-sys_rawio,-dac_read_search,-sys_chroot,-setfcap,-net_raw,-net_admin,-sys_time,-sys_boot,-linux_immutable,-sys_nice,-mac_admin,-mac_override,-audit_control,-sys_resource,-checkpoint_restore,-sys_pacct \
		"$ATTACK" "$@" >"$T/$name.n.out" 2>"$T/$name.n.err" </dev/null || rc=$?
	echo "$rc" >"$T/$name.n.rc"
}

# answers FILE: the RESULT and WAIT lines without pids, to compare runs.
answers() { sed -n '/^\(RESULT\|WAIT\) /s/ pid=[0-9]*$//p' "$1"; }
# lastpid NAME: the process of the last RESULT or WAIT line (the syscall
# under test), else the main one.
lastpid() {
	sed -n 's/^\(START\|RESULT\|WAIT\) .*pid=\([0-9]*\)$/\2/p' "$T/$1.out" | tail -n 1
}
mainpid() { sed -n 's/^START pid=\([0-9]*\)$/\1/p' "$T/$1.out"; }
# status NAME: the last RESULT line's answer ("ok", "errno=EPERM").
status() { awk '$1 == "RESULT" { s = $3 } END { print s }' "$T/$1.out"; }
# waited NAME PID: how the child PID ended ("exit=0", "signal=KILL").
waited() { awk -v p="pid=$2" '$1 == "WAIT" && $4 == p { print $3 }' "$T/$1.out"; }

# show NAME: a failed test's evidence.
show() {
	echo "# exit $(cat "$T/$1.rc" 2>/dev/null)"
	diag "$T/$1.out" "$T/$1.err"
	[ -f "$T/$1.n.out" ] && diag "$T/$1.n.out"
	if [ -s "$T/$1.ev" ]; then
		echo "# findings (rule pid action_id applied event):"
		py "$FI" "$T/$1.ev" 2>&1 | head -n 20 | sed 's/^/#   /'
		echo "# events:"
		grep -v '"class_uid":600[28]' "$T/$1.ev" | cut -c 1-400 | head -n 12 | sed 's/^/#   /'
	fi
}

# q NAME PYTHON-EXPR: EXPR with ev the run's events (launches, terms: its
# Process Activity Launch and Terminate; fs, net: its File System and
# Network Activity), PID and D from the environment.
q() { py "$EV" query "$T/$1.ev" "$2"; }
# qok NAME DESC PYTHON-EXPR: ok when EXPR is true.
qok() {
	local r
	r=$(q "$1" "$3" 2>&1)
	if [ "$r" = yes ]; then
		ok "$2"
	else
		not_ok "$2"
		echo "# got: $r" | head -n 5
		grep -v '"class_uid":600[28]' "$T/$1.ev" | cut -c 1-600 | head -n 20 | sed 's/^/#   /'
	fi
}

# has_finding NAME RULE PID APPLIED EVENT: a Finding of RULE for PID on
# EVENT, applied (action_id 2) or only reported (any other action_id).
has_finding() {
	py "$FI" "$T/$1.ev" "$2" 2>/dev/null | awk -F'\t' -v p="$3" -v ap="$4" -v e="$5" '
		$2 == p && $4 == ap && $5 == e && (ap == "true" ? $3 == 2 : $3 != 2) { f = 1 }
		END { exit !f }'
}
count() { py "$FI" count "$T/$1.ev" "$2"; }
# evid RULE KEY.PATH WANT: a Finding of RULE in the last run ($last) has
# WANT at KEY.PATH in its evidence.
evid() {
	local got
	got=$(py "$FI" evidence "$T/$last.ev" "$1" "$2" 2>&1)
	if printf '%s\n' "$got" | grep -qxF -- "$3"; then
		ok "$1: the evidence's $2 is $3"
	else
		not_ok "$1: the evidence's $2 is not $3: $(printf '%s' "$got" | tr '\n' ' ')"
	fi
}

# same NAME DESC: attack answered natively and under the sensor alike.
same() {
	if [ "$(answers "$T/$1.n.out")" = "$(answers "$T/$1.out")" ] &&
		[ "$(cat "$T/$1.n.rc")" = "$(cat "$T/$1.rc")" ]; then
		ok "$2"
	else
		not_ok "$2"
		diff <(answers "$T/$1.n.out") <(answers "$T/$1.out") | sed 's/^/#   /'
		echo "# native exit $(cat "$T/$1.n.rc"), traced exit $(cat "$T/$1.rc")"
		diag "$T/$1.err"
	fi
}

# With CLEAN set (paths), trigger and prevent remove them before each
# run, so that the native and the traced run start alike (a chain that
# creates a name, then executes it, cannot end by removing it: its last
# RESULT line must stay the exec).
clean() { [ -z "${CLEAN:-}" ] || rm -rf $CLEAN; }

n=0
# trigger RULE EVENT DESC -- ATTACK-ARGS...: natively, and under the sensor
# (with the options in SOPTS, for trigger and prevent)
# in detect mode (the default): a Finding of RULE for the process of the
# last RESULT line, reported only; the syscalls answer as natively (or, with
# WANT set, the last one answers WANT: the sensor already refuses ptrace).
trigger() {
	local rule=$1 event=$2 desc=$3 name pid
	shift 4
	n=$((n + 1))
	name=t$n-$rule
	clean
	[ -n "${WANT:-}" ] || native "$name" "$@"
	clean
	# shellcheck disable=SC2086 # SOPTS: sensor options, word-split
	atk "$name" ${SOPTS:-} -- "$@"
	last=$name
	pid=$(lastpid "$name")
	if has_finding "$name" "$rule" "$pid" false "$event"; then
		ok "$rule: $desc: a Finding for pid $pid on $event, reported only"
	else
		not_ok "$rule: $desc: no Finding for pid ${pid:-?} on $event, reported only"
		show "$name"
	fi
	if [ -n "${WANT:-}" ]; then
		if [ "$(status "$name")" = "$WANT" ]; then
			ok "$rule: $desc: the syscall answers $WANT"
		else
			not_ok "$rule: $desc: the syscall answers $(status "$name"), not $WANT"
		fi
	else
		same "$name" "$rule: $desc: the syscalls answer as without the sensor"
	fi
}

# nearmiss RULE DESC -- ATTACK-ARGS...: in detect mode, no Finding of RULE,
# and the syscalls answer as natively.
nearmiss() {
	local rule=$1 desc=$2 name c
	shift 3
	n=$((n + 1))
	name=m$n-$rule
	last=$name
	native "$name" "$@"
	atk "$name" -- "$@"
	c=$(count "$name" "$rule" 2>&1)
	if [ "$c" = 0 ] && [ "$(answers "$T/$name.n.out")" = "$(answers "$T/$name.out")" ]; then
		ok "$rule: near miss: $desc: no Finding, the syscalls answer as natively"
	else
		not_ok "$rule: near miss: $desc: $c Findings"
		diff <(answers "$T/$name.n.out") <(answers "$T/$name.out")| sed 's/^/#   /'
		show "$name"
	fi
}

# prevent RULE EVENT WANT DESC -- ATTACK-ARGS...: --mode=prevent.
#   WANT errno=EPERM: the last RESULT line answers it, the app goes on
#     (exits 0), the Finding is applied (action_id 2);
#   WANT killed: the process of the syscall under test died of SIGKILL (its
#     WAIT line, or the sensor's exit 137 for the main process), applied;
#   WANT allowed: the syscalls answer as natively, the Finding only reported.
prevent() {
	local rule=$1 event=$2 want=$3 desc=$4 name pid good=1 applied=true
	shift 5
	n=$((n + 1))
	name=p$n-$rule
	last=$name
	clean
	[ "$want" = allowed ] && native "$name" "$@"
	clean
	# shellcheck disable=SC2086
	atk "$name" --mode=prevent ${SOPTS:-} -- "$@"
	pid=$(lastpid "$name")
	case $want in
	allowed)
		applied=false
		[ "$(answers "$T/$name.n.out")" = "$(answers "$T/$name.out")" ] || good=0 ;;
	killed)
		if [ "$pid" = "$(mainpid "$name")" ]; then
			[ "$(cat "$T/$name.rc")" = 137 ] || good=0
		else
			[ "$(waited "$name" "$pid")" = signal=KILL ] || good=0
		fi ;;
	*)
		[ "$(status "$name")" = "$want" ] && [ "$(cat "$T/$name.rc")" = 0 ] || good=0 ;;
	esac
	if [ $good = 1 ] && has_finding "$name" "$rule" "$pid" $applied "$event"; then
		ok "$rule: prevent: $desc: $want, the Finding for pid $pid applied=$applied"
	else
		not_ok "$rule: prevent: $desc: not $want with a Finding for pid ${pid:-?} applied=$applied"
		[ "$want" = allowed ] && diff <(answers "$T/$name.n.out") <(answers "$T/$name.out") | sed 's/^/#   /'
		show "$name"
	fi
}

# ---------------------------------------------------------------------------
# Every built-in rule: trigger, near miss, prevent.

# shell-by-non-shell (alert)
trigger shell-by-non-shell exec "attack runs sh -c" -- exec /bin/sh -c true
evid shell-by-non-shell actor.process.file.path "$ATTACK"
evid shell-by-non-shell process.cmd_line "/bin/sh -c true"
sense m-shell -- /bin/sh sh -c '/bin/sh -c true; true'
if [ "$(count m-shell shell-by-non-shell)" = 0 ] && [ "$(cat "$T/m-shell.rc")" = 0 ]; then
	ok "shell-by-non-shell: near miss: the entrypoint is sh, and sh runs sh: no Finding"
else
	not_ok "shell-by-non-shell: near miss: the entrypoint is sh, and sh runs sh"
	show m-shell
fi
nearmiss shell-by-non-shell "attack runs true" -- exec "$B/pre/true"
prevent shell-by-non-shell exec allowed "sh still runs" -- exec /bin/sh -c true

# netcat-exec (deny)
trigger netcat-exec exec "nc -e /bin/sh" -- exec "$B/bin/nc" -e /bin/sh 127.0.0.1 9
evid netcat-exec process.name nc
trigger netcat-exec exec "execveat(dirfd, \"nc\") -c" -- execat "$B/bin" nc -c id 127.0.0.1 9
trigger netcat-exec exec "./nc -e from its directory" -- chdir "$B/bin" + exec ./nc -e /bin/sh 127.0.0.1 9
nearmiss netcat-exec "nc -z" -- exec "$B/bin/nc" -z 127.0.0.1 9
prevent netcat-exec exec errno=EPERM "nc -e refused" -- exec "$B/bin/nc" -e /bin/sh 127.0.0.1 9
PID=$(lastpid "$last") qok "$last" "netcat-exec: prevent: the refused exec is no Launch, the child a Terminate with exit 127" \
	'PID not in [pid(e) for e in launches] and [e.get("exit_code") for e in terms if pid(e) == PID] == [127]'

trigger netcat-exec exec "nc -e/bin/sh (the program attached)" -- exec "$B/bin/nc" -e/bin/sh 127.0.0.1 9

# netcat-exec-combined (deny): -e or -c at the end of combined short options
trigger netcat-exec-combined exec "nc -lvpe /bin/sh" -- exec "$B/bin/nc" -lvpe /bin/sh 4444
trigger netcat-exec-combined exec "nc -nvc id" -- exec "$B/bin/nc" -nvc id 127.0.0.1 9
nearmiss netcat-exec-combined "nc -lvnp 4444" -- exec "$B/bin/nc" -lvnp 4444
prevent netcat-exec-combined exec errno=EPERM "nc -lvpe refused" -- exec "$B/bin/nc" -lvpe /bin/sh 4444

# netcat-exec-multicall (deny): busybox nc -e
trigger netcat-exec-multicall exec "busybox nc -e /bin/sh" -- exec "$B/bin/busybox" nc -e /bin/sh 127.0.0.1 9
nearmiss netcat-exec-multicall "busybox nc -z" -- exec "$B/bin/busybox" nc -z 127.0.0.1 9
prevent netcat-exec-multicall exec errno=EPERM "busybox nc -e refused" -- exec "$B/bin/busybox" nc -e /bin/sh 127.0.0.1 9

# socat-exec (deny)
trigger socat-exec exec "socat EXEC:" -- exec "$B/bin/socat" TCP:127.0.0.1:9 EXEC:/bin/sh
trigger socat-exec exec "socat system: in another case" -- exec "$B/bin/socat" TCP:127.0.0.1:9 SYSTEM:id
nearmiss socat-exec "socat without a program" -- exec "$B/bin/socat" - TCP:127.0.0.1:9
prevent socat-exec exec errno=EPERM "socat EXEC: refused" -- exec "$B/bin/socat" TCP:127.0.0.1:9 EXEC:/bin/sh

# reverse-shell-socket-stdio (kill)
trigger reverse-shell-socket-stdio dup "a TCP socket dup2'ed onto 0" -- dup2 socket 0
trigger reverse-shell-socket-stdio dup "a socketpair end dup3'ed onto 1" -- dup3 socketpair 1
nearmiss reverse-shell-socket-stdio "a pipe onto 0, a socket onto 5 and onto 2" -- \
	dup2 pipe 0 + dup2 socket 5 + dup2 socket 2
prevent reverse-shell-socket-stdio dup killed "the main process dup2s a socket onto 0" -- dup2 socket 0
prevent reverse-shell-socket-stdio dup killed "a child dup2s a UDP socket onto 1" -- dup2 -f udp 1

# reverse-shell-dev-tcp (deny)
# The command lines come through the environment (attack's @env:NAME): in
# attack's own command line they would match when the sensor starts it.
export DEV_TCP='echo > /dev/tcp/127.0.0.1/9' DEV_UDP='echo > /dev/udp/127.0.0.1/9'
export STRATUM=stratum+tcp://pool.example:3333 STRATUM_SSL=--url=STRATUM+SSL://pool.example:443
trigger reverse-shell-dev-tcp exec "sh -c 'echo > /dev/tcp/...'" -- exec /bin/sh -c @env:DEV_TCP
nearmiss reverse-shell-dev-tcp "sh -c 'echo /dev/tcpx'" -- exec /bin/sh -c 'echo /dev/tcpx'
prevent reverse-shell-dev-tcp exec errno=EPERM "the shell is not started" -- exec /bin/sh -c @env:DEV_UDP

# sensitive-file-read (deny)
trigger sensitive-file-read open "open /etc/shadow read-only" -- open /etc/shadow r
trigger sensitive-file-read open "a symlink to /etc/shadow" -- open "$T/shadow-link" r
link_run=$last
trigger sensitive-file-read open "openat(fd of /etc, \"shadow\")" -- openat /etc shadow r
trigger sensitive-file-read open "open(2) of /etc/gshadow" -- open-legacy /etc/gshadow r
trigger sensitive-file-read open "openat2 of /etc/shadow" -- openat2 /etc/shadow r
trigger sensitive-file-read open "../etc/./shadow from /etc" -- chdir /etc + open ../etc/./shadow r
trigger sensitive-file-read open "//etc//shadow" -- open //etc//shadow r
trigger sensitive-file-read open "/proc/self/root/etc/shadow" -- open /proc/self/root/etc/shadow r
trigger sensitive-file-read open "from a thread that is not the leader (the Finding has the process id)" -- \
	open -t /etc/shadow r
if "$ATTACK" open32 /etc/passwd | grep -q '^RESULT open32 ok'; then
	trigger sensitive-file-read open "the i386 open(2) by int 0x80" -- open32 /etc/shadow
	prevent sensitive-file-read open errno=EPERM "the i386 open(2) by int 0x80 refused" -- open32 /etc/shadow
else
	skip "sensitive-file-read: the i386 open(2)" "no 32-bit syscalls on this machine"
fi
ev=$(py "$FI" evidence "$T/$link_run.ev" sensitive-file-read file.path 2>&1)
if [ "$ev" = /etc/shadow ]; then
	ok "sensitive-file-read: the evidence of the symlink is the file, /etc/shadow"
else
	not_ok "sensitive-file-read: the evidence of the symlink is $ev, not /etc/shadow"
fi
nearmiss sensitive-file-read "open /etc/passwd read-only" -- open /etc/passwd r
prevent sensitive-file-read open errno=EPERM "/etc/shadow refused" -- open /etc/passwd r + open /etc/shadow r
if grep -q '^RESULT open ok' "$T/$last.out"; then
	ok "sensitive-file-read: prevent: /etc/passwd is read all the same"
else
	not_ok "sensitive-file-read: prevent: /etc/passwd is read all the same"
fi
prevent sensitive-file-read open errno=EPERM "through the symlink too" -- open "$T/shadow-link" r

# write-below-etc (alert)
trigger write-below-etc open "a file created below /etc" -- open "$SYS_ETC" w,creat + unlink "$SYS_ETC"
if [ "$(py "$FI" "$T/$last.ev" write-below-etc | cut -f 5 | tr '\n' ' ')" = "open unlink " ]; then
	ok "write-below-etc: its removal is a second Finding, on unlink"
else
	not_ok "write-below-etc: its removal is a second Finding, on unlink"
	show "$last"
fi
trigger write-below-etc rename "a file renamed below /etc" -- \
	open "$SYS_ETC-a" w,creat + rename "$SYS_ETC-a" "$SYS_ETC-b" + unlink "$SYS_ETC-b"
trigger write-below-etc open "creat(2) below /etc" -- creat "$SYS_ETC" 644 + unlink "$SYS_ETC"
trigger write-below-etc rename "a file renamed into /etc from /tmp" -- \
	open "$T/to-etc" w,creat + rename "$T/to-etc" "$SYS_ETC-b" + unlink "$SYS_ETC-b"
evid write-below-etc file.path "$SYS_ETC-b"
nearmiss write-below-etc "/etc/passwd read, a file written in /tmp" -- open /etc/passwd r + open "$T/w" w,creat
prevent write-below-etc open allowed "the file is created and removed" -- open "$SYS_ETC" w,creat + unlink "$SYS_ETC"

# write-below-binary-dir (deny)
trigger write-below-binary-dir open "a file created in /usr/local/bin" -- open "$SYS_BIN" w,creat + unlink "$SYS_BIN"
trigger write-below-binary-dir open "openat(fd of /usr/local/bin, name)" -- \
	openat /usr/local/bin "$(basename "$SYS_BIN")" w,creat + unlink "$SYS_BIN"
nearmiss write-below-binary-dir "/usr/bin/true read" -- open /usr/bin/true r
prevent write-below-binary-dir open errno=EPERM "no file in /usr/local/bin" -- open "$SYS_BIN" w,creat
if [ ! -e "$SYS_BIN" ]; then
	ok "write-below-binary-dir: prevent: the file was not created"
else
	not_ok "write-below-binary-dir: prevent: $SYS_BIN exists"
	rm -f "$SYS_BIN"
fi

# dropped-binary-exec (deny)
trigger dropped-binary-exec exec "a copy of true written, chmod 755, executed" -- \
	copy /bin/true "$B/drop/d1" + chmod "$B/drop/d1" 755 + exec "$B/drop/d1"
trigger dropped-binary-exec exec "written under another name, renamed into place" -- \
	copy /bin/true "$B/drop/d2.tmp" + chmod "$B/drop/d2.tmp" 755 + rename "$B/drop/d2.tmp" "$B/drop/d2" + \
	exec "$B/drop/d2"
evid dropped-binary-exec process.file.path "$B/drop/d2"
nearmiss dropped-binary-exec "a program that was there before the sensor" -- exec "$B/pre/true"
prevent dropped-binary-exec exec errno=EPERM "the dropped program does not run" -- \
	copy /bin/true "$B/drop/d3" + chmod "$B/drop/d3" 755 + exec "$B/drop/d3"

# exec-from-tmp (deny)
trigger exec-from-tmp exec "a program in /tmp that was there before" -- exec "$T/tmpbin/true"
evid exec-from-tmp process.file.path "$T/tmpbin/true"
nearmiss exec-from-tmp "a program outside /tmp" -- exec "$B/pre/true"
sense m-tmp-entry -- "$T/tmpbin/true" true
if [ "$(count m-tmp-entry exec-from-tmp)" = 0 ] && [ "$(cat "$T/m-tmp-entry.rc")" = 0 ]; then
	ok "exec-from-tmp: near miss: the container's own command in /tmp: no Finding"
else
	not_ok "exec-from-tmp: near miss: the container's own command in /tmp"
	show m-tmp-entry
fi
prevent exec-from-tmp exec errno=EPERM "the program in /tmp does not run" -- exec "$T/tmpbin/true"

# memfd-exec (kill)
trigger memfd-exec exec "true copied into a memfd, execveat(AT_EMPTY_PATH)" -- memfd /bin/true fexecve
ev=$(py "$FI" evidence "$T/$last.ev" memfd-exec process.file.path 2>&1)
case $ev in
/memfd:*) ok "memfd-exec: the evidence's process.file.path is the memfd ($ev)" ;;
*) not_ok "memfd-exec: the evidence's process.file.path is $ev, not /memfd:..." ;;
esac
trigger memfd-exec exec "the memfd by its /proc/self/fd/N path" -- memfd /bin/true procfd
nearmiss memfd-exec "a regular file by its descriptor (fexecve)" -- fexec "$B/pre/true"
prevent memfd-exec exec killed "the child running the memfd" -- memfd /bin/true fexecve
prevent memfd-exec exec killed "the main process running the memfd" -- memfd -n /bin/true procfd

# ptrace-attach (deny); the sensor is the only tracer, so it fails anyway.
WANT=errno=EPERM trigger ptrace-attach ptrace "PTRACE_ATTACH of a child" -- ptrace-attach
WANT=errno=EPERM trigger ptrace-attach ptrace "PTRACE_SEIZE of a child" -- ptrace-seize
atk m-ptrace-attach -- ptrace-traceme
if [ "$(count m-ptrace-attach ptrace-attach)" = 0 ]; then
	ok "ptrace-attach: near miss: PTRACE_TRACEME: no Finding"
else
	not_ok "ptrace-attach: near miss: PTRACE_TRACEME"
	show m-ptrace-attach
fi
prevent ptrace-attach ptrace errno=EPERM "PTRACE_ATTACH refused" -- ptrace-attach

# ptrace-traceme (alert)
WANT=errno=EPERM trigger ptrace-traceme ptrace "PTRACE_TRACEME in a child" -- ptrace-traceme
atk m-ptrace-traceme -- ptrace-attach
if [ "$(count m-ptrace-traceme ptrace-traceme)" = 0 ]; then
	ok "ptrace-traceme: near miss: PTRACE_ATTACH: no Finding"
else
	not_ok "ptrace-traceme: near miss: PTRACE_ATTACH"
	show m-ptrace-traceme
fi
atk p-traceme --mode=prevent -- ptrace-traceme
pid=$(lastpid p-traceme)
if has_finding p-traceme ptrace-traceme "$pid" false ptrace && [ "$(cat "$T/p-traceme.rc")" = 0 ]; then
	ok "ptrace-traceme: prevent: only reported (it fails EPERM as it does in detect mode)"
else
	not_ok "ptrace-traceme: prevent: only reported"
	show p-traceme
fi

# crypto-miner-stratum (kill)
trigger crypto-miner-stratum exec "stratum+tcp:// in the arguments" -- \
	exec "$B/pre/true" -o @env:STRATUM -u wallet
trigger crypto-miner-stratum exec "STRATUM+SSL:// in capitals" -- exec "$B/pre/true" @env:STRATUM_SSL
nearmiss crypto-miner-stratum "tcp:// without stratum" -- exec "$B/pre/true" -o tcp://pool.example:3333
prevent crypto-miner-stratum exec killed "the miner is killed at exec" -- exec "$B/pre/true" -o @env:STRATUM

# crypto-miner-binary (kill)
trigger crypto-miner-binary exec "xmrig" -- exec "$B/bin/xmrig" --donate-level 1
nearmiss crypto-miner-binary "myxmrig" -- exec "$B/bin/myxmrig"
prevent crypto-miner-binary exec killed "the child running xmrig" -- exec "$B/bin/xmrig"
PID=$(lastpid "$last") qok "$last" "crypto-miner-binary: prevent: the killed child's Terminate says signal 9, no Launch" \
	'PID not in [pid(e) for e in launches] and [un(e).get("signal") for e in terms if pid(e) == PID] == [9]'
prevent crypto-miner-binary exec killed "the main process executing xmrig" -- exec -n "$B/bin/xmrig"

# crypto-miner-pool-port (deny)
trigger crypto-miner-pool-port connect "connect 127.0.0.1:3333" -- connect 127.0.0.1 3333
evid crypto-miner-pool-port dst_endpoint.port 3333
trigger crypto-miner-pool-port connect "connect [::1]:4444" -- connect ::1 4444
trigger crypto-miner-pool-port connect "connect [::ffff:127.0.0.1]:3333 (IPv4-mapped)" -- connect ::ffff:127.0.0.1 3333
nearmiss crypto-miner-pool-port "connect 127.0.0.1:8080" -- connect 127.0.0.1 8080
prevent crypto-miner-pool-port connect errno=EPERM "connect 127.0.0.1:3333 refused" -- connect 127.0.0.1 3333

# cloud-credentials-endpoint (deny)
trigger cloud-credentials-endpoint connect "a forked child connects to 169.254.169.254:80" -- \
	connect -f -n 169.254.169.254 80
trigger cloud-credentials-endpoint connect "a child connects to 169.254.170.2:80 (ECS)" -- \
	connect -f -n 169.254.170.2 80
trigger cloud-credentials-endpoint connect "a child, IPv4-mapped [::ffff:169.254.169.254]:80" -- \
	connect -f -n ::ffff:169.254.169.254 80
evid cloud-credentials-endpoint dst_endpoint.ip 169.254.169.254
nearmiss cloud-credentials-endpoint "the main process connects to it" -- connect -n 169.254.169.254 80
prevent cloud-credentials-endpoint connect errno=EPERM "the child is refused" -- connect -f -n 169.254.169.254 80
atk p-cloud-main --mode=prevent -- connect -n 169.254.169.254 80
native p-cloud-main connect -n 169.254.169.254 80
if [ "$(answers "$T/p-cloud-main.out")" = "$(answers "$T/p-cloud-main.n.out")" ] && [ "$(count p-cloud-main cloud-credentials-endpoint)" = 0 ]; then
	ok "cloud-credentials-endpoint: prevent: the main process still connects"
else
	not_ok "cloud-credentials-endpoint: prevent: the main process still connects"
	show p-cloud-main
fi

# package-manager (deny)
trigger package-manager exec "apt-get install" -- exec "$B/bin/apt-get" install -y curl
nearmiss package-manager "apt-cache" -- exec "$B/bin/apt-cache" policy
prevent package-manager exec errno=EPERM "apt-get refused" -- exec "$B/bin/apt-get" install -y curl

# setuid-setgid-chmod (deny)
trigger setuid-setgid-chmod chmod "chmod 04755" -- chmod "$T/f" 4755 + chmod "$T/f" 644
trigger setuid-setgid-chmod chmod "fchmod 02755" -- fchmod "$T/f" 2755 + chmod "$T/f" 644
nearmiss setuid-setgid-chmod "chmod 0755" -- chmod "$T/f" 755 + chmod "$T/f" 644
chmod 644 "$T/f"
prevent setuid-setgid-chmod chmod errno=EPERM "chmod 04755 refused" -- chmod "$T/f" 4755
if [ "$(stat -c %a "$T/f")" = 644 ]; then
	ok "setuid-setgid-chmod: prevent: the mode is unchanged"
else
	not_ok "setuid-setgid-chmod: prevent: the mode is $(stat -c %a "$T/f")"
fi
chmod 644 "$T/f"

# namespace-unshare (deny)
trigger namespace-unshare unshare "unshare(CLONE_NEWUTS) (EPERM natively too: no CAP_SYS_ADMIN)" -- unshare uts
# A new user namespace is the integrity-user-namespace policy (refused in
# both modes, its own Finding); --allow=user-namespace lets the rule see it.
SOPTS=--allow=user-namespace trigger namespace-unshare unshare \
	"unshare(CLONE_NEWUSER) with --allow=user-namespace" -- unshare user
nearmiss namespace-unshare "unshare(CLONE_FILES)" -- unshare files
SOPTS=--allow=user-namespace prevent namespace-unshare unshare errno=EPERM \
	"unshare(CLONE_NEWUSER) refused" -- unshare user
atk userns -- unshare user
if [ "$(status userns)" = errno=EPERM ] &&
	has_finding userns integrity-user-namespace "$(lastpid userns)" true syscall &&
	[ "$(count userns namespace-unshare)" = 0 ]; then
	ok "integrity-user-namespace: unshare(CLONE_NEWUSER) refused in detect mode, the policy's Finding applied"
else
	not_ok "integrity-user-namespace: unshare(CLONE_NEWUSER) in detect mode"
	show userns
fi

# namespace-setns (deny)
SOPTS=--allow=user-namespace trigger namespace-setns setns "setns into its own new UTS namespace" -- \
	unshare user + unshare uts + setns /proc/self/ns/uts uts
nearmiss namespace-setns "/proc/self/ns/uts only opened" -- open /proc/self/ns/uts r
prevent namespace-setns setns errno=EPERM "setns refused" -- setns /proc/self/ns/uts

# network-tool (alert)
trigger network-tool exec "nmap" -- exec "$B/bin/nmap" -sS 127.0.0.1
nearmiss network-tool "curl" -- exec "$B/bin/curl" http://127.0.0.1:9/
prevent network-tool exec allowed "nmap still runs" -- exec "$B/bin/nmap" -sS 127.0.0.1

# log-truncation (alert)
trigger log-truncation open "O_TRUNC below /var/log" -- open "$SYS_LOG" w,creat,trunc + unlink "$SYS_LOG"
nearmiss log-truncation "O_APPEND below /var/log, O_TRUNC elsewhere" -- \
	open "$SYS_LOG" w,creat,append + unlink "$SYS_LOG" + open "$T/w" w,creat,trunc
prevent log-truncation open allowed "the log is truncated all the same" -- open "$SYS_LOG" w,creat,trunc + unlink "$SYS_LOG"

# credential-search (alert)
trigger credential-search exec "grep -r id_rsa" -- exec "$B/bin/grep" -r id_rsa /nonexistent
evid credential-search process.cmd_line "$B/bin/grep -r id_rsa /nonexistent"
trigger credential-search exec "grep AWS_SECRET_ACCESS_KEY in capitals" -- exec "$B/bin/grep" -ri AWS_SECRET_ACCESS_KEY /nonexistent
nearmiss credential-search "grep -r hello" -- exec "$B/bin/grep" -r hello /nonexistent
prevent credential-search exec allowed "grep still runs" -- exec "$B/bin/grep" -r id_rsa /nonexistent

# ---------------------------------------------------------------------------
# Other ways to name, create and change files, to connect, to create
# namespaces and to write another process's memory (rules_spec.c), and
# arguments the sensor cannot read whole: each is the event of the call it
# stands for (RULES.md), so the rules above fire on it.

# Links, symlinks and nodes are opens that create the new name.
trigger write-below-etc open "a hard link made in /etc (linkat)" -- link "$T/f" "$SYS_ETC" + unlink "$SYS_ETC"
evid write-below-etc file.path "$SYS_ETC"
trigger write-below-etc open "a symlink made in /etc (symlinkat)" -- symlink /tmp/x "$SYS_ETC" + unlink "$SYS_ETC"
evid write-below-etc file.path "$SYS_ETC"
trigger write-below-etc open "link(2) in /etc" -- link-legacy "$T/f" "$SYS_ETC" + unlink "$SYS_ETC"
trigger write-below-etc open "symlink(2) in /etc" -- symlink-legacy /tmp/x "$SYS_ETC" + unlink "$SYS_ETC"
trigger write-below-etc open "a FIFO made in /etc (mknodat)" -- mknod "$SYS_ETC" fifo + unlink "$SYS_ETC"
trigger write-below-etc open "a regular file made in /etc by mknodat" -- mknod "$SYS_ETC" reg + unlink "$SYS_ETC"
nearmiss write-below-etc "a symlink to /etc/passwd made in $T" -- symlink /etc/passwd "$T/ln" + unlink "$T/ln"
trigger write-below-binary-dir open "a symlink in /usr/local/bin" -- symlink /bin/true "$SYS_BIN" + unlink "$SYS_BIN"
prevent write-below-binary-dir open errno=EPERM "no symlink in /usr/local/bin" -- symlink /bin/true "$SYS_BIN"
prevent write-below-binary-dir open errno=EPERM "no hard link in /usr/local/bin" -- link "$B/pre/true" "$SYS_BIN"
prevent write-below-binary-dir open errno=EPERM "no FIFO in /usr/local/bin" -- mknod "$SYS_BIN" fifo
if [ ! -e "$SYS_BIN" ] && [ ! -L "$SYS_BIN" ]; then
	ok "write-below-binary-dir: prevent: no link, symlink or FIFO was made"
else
	not_ok "write-below-binary-dir: prevent: $SYS_BIN exists"
	rm -f "$SYS_BIN"
fi
PID=$(lastpid "$last") D=$SYS_BIN qok "$last" "a mknod is a File System Create of the new name, with its mode" \
	'[(e["activity_id"], un(e).get("file_mode")) for e in fs if path(e) == D] == [(1, 0o644)]'

# renameat2(RENAME_EXCHANGE) writes both names: /etc's file counts even
# when it is the old name.
echo etc >"$SYS_ETC"
echo tmp >"$T/xa"
trigger write-below-etc rename "renameat2(RENAME_EXCHANGE), the /etc file as the old name" -- \
	exchange "$SYS_ETC" "$T/xa" + exchange "$SYS_ETC" "$T/xa"
rm -f "$SYS_ETC"

# Truncation: truncate(2) always, ftruncate(2) to 0 only.
echo log >"$SYS_LOG"
trigger log-truncation open "truncate(2) of a log" -- truncate "$SYS_LOG" 0
trigger log-truncation open "ftruncate(fd, 0) of a log opened without O_TRUNC" -- ftruncate "$SYS_LOG" 0
evid log-truncation file.path "$SYS_LOG"
nearmiss log-truncation "ftruncate(fd, 4096) of a log: a size, not an erasure (not stopped)" -- \
	ftruncate "$SYS_LOG" 4096
rm -f "$SYS_LOG"
cp /bin/true "$SYS_BIN"
prevent write-below-binary-dir open errno=EPERM "truncate(2) of a program in /usr/local/bin" -- \
	truncate "$SYS_BIN" 0
if [ "$(stat -c %s "$SYS_BIN")" = "$(stat -c %s /bin/true)" ]; then
	ok "write-below-binary-dir: prevent: the program was not truncated"
else
	not_ok "write-below-binary-dir: prevent: the program was truncated"
fi
rm -f "$SYS_BIN"

# TCP Fast Open: sendto, sendmsg, sendmmsg with MSG_FASTOPEN connect.
trigger crypto-miner-pool-port connect "TCP Fast Open: sendto(MSG_FASTOPEN) to 127.0.0.1:3333" -- \
	sendto-fastopen 127.0.0.1 3333
evid crypto-miner-pool-port dst_endpoint.port 3333
trigger crypto-miner-pool-port connect "TCP Fast Open: sendmsg(MSG_FASTOPEN) to [::1]:4444" -- \
	sendmsg-fastopen ::1 4444
trigger crypto-miner-pool-port connect "TCP Fast Open: sendmmsg(MSG_FASTOPEN) to 127.0.0.1:3333" -- \
	sendmmsg-fastopen 127.0.0.1 3333
prevent crypto-miner-pool-port connect errno=EPERM "sendto(MSG_FASTOPEN) to 127.0.0.1:3333 refused" -- \
	sendto-fastopen 127.0.0.1 3333
prevent cloud-credentials-endpoint connect errno=EPERM "a child's sendmsg(MSG_FASTOPEN) to 169.254.169.254:80" -- \
	sendmsg-fastopen -f 169.254.169.254 80
# The decision (RULES.md): a UDP datagram with an address is not stopped.
nearmiss crypto-miner-pool-port "sendto(2) of a UDP datagram to 127.0.0.1:3333 (not stopped: RULES.md)" -- \
	sendto-udp 127.0.0.1 3333
# An IPv6 address in 24 bytes (SIN6_LEN_RFC2133), which the kernel takes.
trigger crypto-miner-pool-port connect "connect with a 24-byte sockaddr_in6 to [::1]:3333" -- \
	connect6-short ::1 3333
evid crypto-miner-pool-port dst_endpoint.ip ::1

# clone(2) with a namespace flag is the unshare event.
trigger namespace-unshare unshare "clone(CLONE_NEWUTS)" -- clone-ns uts
trigger namespace-unshare unshare "clone(CLONE_NEWNET|CLONE_NEWNS)" -- clone-ns net,ns
nearmiss namespace-unshare "clone(CLONE_FILES): a fork, not stopped" -- clone-ns files
prevent namespace-unshare unshare errno=EPERM "clone(CLONE_NEWPID) refused" -- clone-ns pid

# process-memory-write (deny): process_vm_writev and /proc/PID/mem.
trigger process-memory-write ptrace "process_vm_writev into a child" -- vm-writev
tgt=$(sed -n 's/^TARGET vm-writev pid=//p' "$T/$last.out")
evid process-memory-write file.path "/proc/$tgt/mem"
if grep -q '"ptrace_request":"vm_writev"' "$T/$last.ev"; then
	ok "process-memory-write: the Finding says ptrace_request vm_writev"
else
	not_ok "process-memory-write: the Finding says ptrace_request vm_writev"
fi
trigger process-memory-write open "a child's /proc/PID/mem opened for writing" -- procmem
nearmiss process-memory-write "/proc/self/maps read, /proc/self/mem not opened" -- open /proc/self/maps r
prevent process-memory-write ptrace errno=EPERM "process_vm_writev refused" -- vm-writev
prevent process-memory-write open errno=EPERM "/proc/PID/mem for writing refused" -- procmem

# unreadable-arguments (deny): what the sensor cannot read whole. The
# kernel refuses an unmapped pointer too (EFAULT), so a refusal costs
# nothing; an argv past the kept entries would hide a rule's value.
BIGSCRIPT=": $(printf '%*s' 12000 '' | tr ' ' x)"
export BIGSCRIPT
trigger unreadable-arguments exec "an argv entry at an unmapped address" -- exec-badptr "$B/pre/true"
trigger unreadable-arguments open "openat for writing of a path at an unmapped address" -- open-badptr
trigger unreadable-arguments connect "connect of an address at an unmapped address" -- connect-badptr
trigger unreadable-arguments exec "20 000 arguments, more than the 16 384 kept" -- exec-many 20000 "$B/pre/true"
nearmiss unreadable-arguments "300 arguments (a compiler)" -- exec-many 300 "$B/pre/true"
# The rules see every kept argument: a padded nc -e is seen.
trigger netcat-exec exec "nc -e after 9000 padding arguments (past the old 256 kept)" -- \
	exec-many 9000 "$B/bin/nc" -e /bin/sh 127.0.0.1 9
if [ "$(count "$last" unreadable-arguments)" = 0 ] &&
	PID=$(lastpid "$last") q "$last" '[(un(e)["argc"], un(e)["argv"][-4:]) for e in launches if pid(e) == PID] == [(9005, ["-e", "/bin/sh", "127.0.0.1", "9"])]' | grep -qx yes; then
	ok "netcat-exec: 9005 arguments are not unreadable; the Launch has them all (argc 9005)"
else
	not_ok "netcat-exec: 9005 arguments: not unreadable, a Launch with all of them"
	show "$last"
fi
nearmiss unreadable-arguments "8000 arguments (xargs of short names)" -- exec-many 8000 "$B/pre/true"
nearmiss unreadable-arguments "sh -c with a 12 KiB script" -- exec /bin/sh -c @env:BIGSCRIPT
prevent unreadable-arguments exec errno=EPERM "20 000 arguments refused" -- exec-many 20000 "$B/pre/true"
prevent unreadable-arguments open errno=EPERM "the unmapped path refused" -- open-badptr

# --seccomp=off matches the same rows in user space (spec_concrete.c): the
# same Findings and answers for the other paths, and the same near misses
# (ftruncate to a size, a UDP datagram, a plain fork).
PATHS=(link "$T/f" "$T/pl" + symlink /etc/passwd "$T/ps" + mknod "$T/pf" fifo + truncate "$T/f" 0 +
	ftruncate "$T/f" 0 + ftruncate "$T/f" 5 + sendto-fastopen 127.0.0.1 3333 + sendto-udp 127.0.0.1 3333 +
	connect6-short ::1 4444 + clone-ns uts + clone-ns files + vm-writev + procmem + open-badptr +
	unlink "$T/pl" + unlink "$T/ps" + unlink "$T/pf")
atk paths-on -- "${PATHS[@]}"
atk paths-off --seccomp=off -- "${PATHS[@]}"
if [ "$(py "$FI" rules "$T/paths-on.ev")" = "$(py "$FI" rules "$T/paths-off.ev")" ] &&
	[ "$(answers "$T/paths-on.out")" = "$(answers "$T/paths-off.out")" ] &&
	[ "$(py "$FI" rules "$T/paths-on.ev" | sort -u | tr '\n' ' ')" = \
	  "crypto-miner-pool-port namespace-unshare process-memory-write unreadable-arguments " ]; then
	ok "--seccomp=off: the other syscall paths give the same Findings and answers as the filter"
else
	not_ok "--seccomp=off: the other syscall paths"
	diff <(py "$FI" rules "$T/paths-on.ev") <(py "$FI" rules "$T/paths-off.ev") | sed 's/^/#   /'
	show paths-off
fi
: >"$T/f"
chmod 644 "$T/f"
# Identity by object, not by name (sensor-shim/detect/identity.h).

# Paths resolved against the tracee's root: chroot, where the application
# keeps CAP_SYS_CHROOT (with a policy that takes it, --allow=chroot).
atk id-chroot-probe -- chroot /etc
if [ "$(status id-chroot-probe)" = ok ]; then
	trigger sensitive-file-read open "chroot(/etc), then /shadow" -- chroot /etc + open /shadow r
	evid sensitive-file-read file.path /etc/shadow
	trigger sensitive-file-read open "chroot(/etc), then /../shadow ('..' stops at the new root)" -- \
		chroot /etc + open /../shadow r
	nearmiss sensitive-file-read "chroot(/etc), then /passwd" -- chroot /etc + open /passwd r
	prevent sensitive-file-read open errno=EPERM "chroot(/etc), then /shadow refused" -- \
		chroot /etc + open /shadow r
else
	skip "sensitive-file-read: chroot" "the application cannot chroot under the sensor ($(status id-chroot-probe))"
fi
# A private mount namespace (from a user namespace, when the sensor lets
# one be made): /etc bound onto B/mnt there only.
atk id-mntns -- unshare user,ns + mount-bind /etc "$B/mnt" + open "$B/mnt/shadow" r
if ! grep -q '^RESULT bind-mount ok' "$T/id-mntns.out"; then
	skip "sensitive-file-read: a private mount namespace" "no mount namespace of its own under the sensor: $(answers "$T/id-mntns.out" | tr '\n' ' ')"
elif has_finding id-mntns sensitive-file-read "$(lastpid id-mntns)" false open; then
	ok "sensitive-file-read: /etc bound in a private mount namespace, its shadow read: a Finding"
else
	not_ok "sensitive-file-read: /etc bound in a private mount namespace, its shadow read: no Finding"
	show id-mntns
fi

# Sensitive files by inode: hard links.
trigger sensitive-file-read open "a hard link of /etc/shadow made before the sensor" -- open "$B/shadow-hard" r
evid sensitive-file-read file.path /etc/shadow
D=$B qok "$last" "sensitive-file-read: the hard link's name is unmapped.opened_as" \
	'[un(e).get("opened_as") for e in ev if e.get("class_uid") in (1001, 2004)] == [D + "/shadow-hard"] * 2'
trigger sensitive-file-read open "a hard link of /etc/shadow made under the sensor" -- \
	link /etc/shadow "$B/shadow-hard2" + open "$B/shadow-hard2" r + unlink "$B/shadow-hard2"
nearmiss sensitive-file-read "a hard link of /etc/passwd" -- open "$B/passwd-hard" r
prevent sensitive-file-read open errno=EPERM "the hard link of /etc/shadow refused" -- open "$B/shadow-hard" r
trigger write-below-etc open "a hard link of /etc/shadow opened for writing is a write below /etc" -- \
	open "$B/shadow-hard" w,append

# Written since start, by ctime.
CLEAN="$B/drop/h1" trigger dropped-binary-exec exec "a new hard link of a program that was there before" -- \
	link "$B/pre/link-src" "$B/drop/h1" + exec "$B/drop/h1"
CLEAN="$B/drop/dir1 $B/drop/dir2" trigger dropped-binary-exec exec "written in a directory, the directory renamed" -- \
	mkdir "$B/drop/dir1" + copy /bin/true "$B/drop/dir1/x" + chmod "$B/drop/dir1/x" 755 + \
	rename "$B/drop/dir1" "$B/drop/dir2" + exec "$B/drop/dir2/x"
CLEAN="$B/drop/t1" trigger dropped-binary-exec exec "O_TMPFILE, written, linked in" -- \
	tmpfile "$B/drop" /bin/true "$B/drop/t1" + exec "$B/drop/t1"
trigger dropped-binary-exec exec "touch -d 2001 after writing (sets mtime; ctime is now)" -- \
	copy /bin/true "$B/drop/old1" + chmod "$B/drop/old1" 755 + utime "$B/drop/old1" 978307200 + exec "$B/drop/old1"
CLEAN="$B/drop/t2" prevent dropped-binary-exec exec errno=EPERM "the O_TMPFILE program does not run" -- \
	tmpfile "$B/drop" /bin/true "$B/drop/t2" + exec "$B/drop/t2"

# A program's names: by inode (custom rule on a program of
# /usr/local/bin), and busybox's applet.
printf '%s\n' '{"rules": [{"id": "id-tool", "title": "the identity test tool", "severity": "low",' \
	'  "action": "deny", "event": "exec",' \
	"  \"when\": [{\"field\": \"process.name\", \"op\": \"eq\", \"value\": \"$(basename "$SYS_TOOL")\"}]}]}" >"$T/names.json"
atk id-names --rules="$T/names.json" -- exec "$B/innocent" + exec "$B/innocent-sym" + exec "$B/pre/true"
if [ "$(count id-names id-tool)" = 2 ]; then
	ok "names: a hard link and a symlink of a program a rule names, under innocent names, are it; another program is not"
else
	not_ok "names: a hard link and a symlink under innocent names: $(count id-names id-tool) Findings, not 2"
	show id-names
fi
atk id-names-p --mode=prevent --rules="$T/names.json" -- exec "$B/innocent"
if [ "$(status id-names-p)" = errno=EPERM ]; then
	ok "names: prevent: the hard link under an innocent name is refused"
else
	not_ok "names: prevent: the hard link under an innocent name"
	show id-names-p
fi
if [ -x /bin/busybox ] && /bin/busybox --list | grep -qx nc; then
	trigger netcat-exec exec "busybox nc -e (the applet is a name)" -- exec /bin/busybox nc -e /bin/true 127.0.0.1 9
	trigger netcat-exec exec "a symlink to busybox called innocent, argv[0] nc" -- \
		exec0 "$B/mc/innocent" nc -e /bin/true 127.0.0.1 9
	nearmiss netcat-exec "busybox true" -- exec /bin/busybox true
	prevent netcat-exec exec errno=EPERM "busybox under another name running nc -e" -- \
		exec0 "$B/mc/innocent" nc -e /bin/true 127.0.0.1 9
else
	skip "names: busybox's applets" "no busybox with nc"
fi

# The dynamic loader run as a program: the program it loads is judged.
if [ -x "$LDSO" ]; then
	trigger exec-from-tmp exec "ld.so runs a program in /tmp" -- exec "$LDSO" "$T/tmpbin/true"
	evid exec-from-tmp process.file.path "$T/tmpbin/true"
	trigger dropped-binary-exec exec "ld.so runs a dropped file without its exec bit" -- \
		copy /bin/true "$B/drop/l1" + exec "$LDSO" "$B/drop/l1"
	trigger netcat-exec exec "ld.so --argv0 x nc -e" -- exec "$LDSO" --argv0 x "$B/bin/nc" -e /bin/sh 127.0.0.1 9
	nearmiss exec-from-tmp "ld.so runs a program of the image" -- exec "$LDSO" --inhibit-cache "$B/pre/true"
	nearmiss dropped-binary-exec "ld.so runs a program of the image" -- exec "$LDSO" "$B/pre/true"
	prevent dropped-binary-exec exec errno=EPERM "ld.so running a dropped file refused" -- \
		copy /bin/true "$B/drop/l2" + exec "$LDSO" "$B/drop/l2"

	# Preloaded and audit libraries are checked like the program.
	trigger exec-from-tmp exec "LD_PRELOAD of a library in /tmp" -- \
		exec-env LD_PRELOAD="$T/tmpbin/empty.so" "$B/pre/true"
	evid exec-from-tmp process.file.path "$B/pre/true"
	trigger exec-from-tmp exec "ld.so --preload of a library in /tmp" -- \
		exec "$LDSO" --preload "$T/tmpbin/empty.so" "$B/pre/true"
	trigger dropped-binary-exec exec "LD_PRELOAD of a library written since start" -- \
		copy "$B/pre/empty.so" "$B/drop/p1.so" + exec-env LD_PRELOAD="/nonexistent.so $B/drop/p1.so" "$B/pre/true"
	trigger dropped-binary-exec exec "LD_AUDIT of a library written since start" -- \
		copy "$B/pre/empty.so" "$B/drop/p2.so" + exec-env LD_AUDIT="$B/drop/p2.so" "$B/pre/true"
	nearmiss exec-from-tmp "LD_PRELOAD of a library outside /tmp, there before" -- \
		exec-env LD_PRELOAD="$B/pre/empty.so" "$B/pre/true"
	nearmiss dropped-binary-exec "LD_PRELOAD of a library there before" -- \
		exec-env LD_PRELOAD="$B/pre/empty.so" "$B/pre/true"
	prevent exec-from-tmp exec errno=EPERM "LD_PRELOAD from /tmp refused" -- \
		exec-env LD_PRELOAD="$T/tmpbin/empty.so" "$B/pre/true"
else
	skip "the loader run as a program, and preloads" "no $LDSO"
fi

# Trampolines are transparent for the actor.
trigger shell-by-non-shell exec "attack runs sh through env" -- exec /usr/bin/env /bin/sh -c true
trigger shell-by-non-shell exec "attack runs sh through nohup" -- exec /usr/bin/nohup /bin/sh -c true
if [ -x /bin/busybox ]; then
	trigger shell-by-non-shell exec "attack runs sh through busybox env" -- exec /bin/busybox env /bin/sh -c true
fi
atk id-timeout -- exec /usr/bin/timeout 10 /bin/sh -c true
if [ "$(count id-timeout shell-by-non-shell)" = 1 ]; then
	ok "shell-by-non-shell: attack runs sh through timeout (which forks): a Finding"
else
	not_ok "shell-by-non-shell: attack runs sh through timeout: $(count id-timeout shell-by-non-shell) Findings"
	show id-timeout
fi
prevent shell-by-non-shell exec allowed "sh through env still runs" -- exec /usr/bin/env /bin/sh -c true
# What the entrypoint's shell runs through a trampoline is not the
# entrypoint: env /tmp/x is still a program run from /tmp.
sense id-entry-tmp -- /bin/sh sh -c "/usr/bin/env $T/tmpbin/true; /usr/bin/nohup $T/tmpbin/true"
if [ "$(count id-entry-tmp exec-from-tmp)" = 2 ]; then
	ok "exec-from-tmp: the entrypoint sh runs env /tmp/x and nohup /tmp/x: not the entrypoint, two Findings"
else
	not_ok "exec-from-tmp: the entrypoint sh runs env /tmp/x and nohup /tmp/x: $(count id-entry-tmp exec-from-tmp) Findings, not 2"
	show id-entry-tmp
fi
for entry in "/bin/sh sh -c" "/usr/bin/nohup nohup /bin/sh -c" "/usr/bin/timeout timeout 10 /bin/sh -c" \
	"/usr/bin/env env /bin/sh -c"; do
	# shellcheck disable=SC2086
	sense id-entry -- $entry '/usr/bin/env /bin/sh -c true; /usr/bin/nohup /bin/sh -c true; /usr/bin/timeout 10 /bin/sh -c true; true'
	if [ "$(py "$FI" rules "$T/id-entry.ev")" = "" ] && [ "$(cat "$T/id-entry.rc")" = 0 ]; then
		ok "shell-by-non-shell: near miss: the entrypoint ${entry%% *} runs sh, which runs sh through env, nohup, timeout: no Finding"
	else
		not_ok "shell-by-non-shell: near miss: the entrypoint ${entry%% *} runs sh through trampolines"
		show id-entry
	fi
done

# Every built-in rule was triggered above, but those that need a
# process entering a PID namespace from outside (tests/suite-entrants.sh
# triggers them, and their near misses).
py - "$BUILTIN" "$T" >"$T/untested" <<'EOF'
import glob, json, os, sys
elsewhere = {"terminal-shell-entered"}
ids = [r["id"] for r in json.load(open(sys.argv[1]))["rules"] if r["id"] not in elsewhere]
fired = set()
for f in glob.glob(os.path.join(sys.argv[2], "t*.ev")):
    for l in open(f, "rb"):
        e = json.loads(l)
        if e.get("class_uid") == 2004:
            fired.add(e["finding_info"]["analytic"]["uid"])
print(len(ids), " ".join(i for i in ids if i not in fired))
EOF
read -r nrules untested <"$T/untested"
if [ -z "${untested:-}" ]; then
	ok "all $nrules built-in rules fired in detect mode"
else
	not_ok "built-in rules that never fired: $untested"
fi

# Noise: an ordinary shell session makes no Finding.
sense benign -- /bin/sh sh -c 'ls /etc >/dev/null; cat /etc/passwd >/dev/null; echo x >'"$T"'/benign; rm '"$T"'/benign; id -u >/dev/null'
if [ "$(py "$FI" rules "$T/benign.ev")" = "" ] && [ "$(cat "$T/benign.rc")" = 0 ]; then
	ok "an ordinary shell session (ls, cat, echo >file, rm, id): no Finding"
else
	not_ok "an ordinary shell session makes Findings"
	show benign
fi

# --mode=detect said explicitly is the default.
atk detect-explicit --mode=detect -- open /etc/shadow r
if has_finding detect-explicit sensitive-file-read "$(lastpid detect-explicit)" false open &&
	[ "$(status detect-explicit)" = ok ]; then
	ok "--mode=detect: reported only, the read succeeds"
else
	not_ok "--mode=detect"
	show detect-explicit
fi

# --seccomp=off: the same Findings, by PTRACE_SYSCALL.
MIX=(open /etc/shadow r + connect 127.0.0.1 3333 + chmod "$T/f" 4755 + chmod "$T/f" 644 +
	unshare user + exec "$B/bin/xmrig" + exec "$B/bin/nc" -e /bin/sh + dup2 socket 0)
atk mix-on -- "${MIX[@]}"
atk mix-off --seccomp=off -- "${MIX[@]}"
if [ "$(py "$FI" rules "$T/mix-on.ev")" = "$(py "$FI" rules "$T/mix-off.ev")" ] &&
	[ "$(answers "$T/mix-on.out")" = "$(answers "$T/mix-off.out")" ] &&
	[ "$(py "$FI" rules "$T/mix-on.ev" | wc -l)" -ge 6 ]; then
	ok "--seccomp=off: the same Findings and answers as with the filter"
else
	not_ok "--seccomp=off: not the same Findings"
	diff <(py "$FI" rules "$T/mix-on.ev") <(py "$FI" rules "$T/mix-off.ev") | sed 's/^/#   /'
fi
atk mix-off-p --seccomp=off --mode=prevent -- open /etc/shadow r + connect 127.0.0.1 3333
if [ "$(answers "$T/mix-off-p.out" | tr '\n' ' ')" = "RESULT open errno=EPERM RESULT connect errno=EPERM " ]; then
	ok "--seccomp=off --mode=prevent: /etc/shadow and port 3333 refused"
else
	not_ok "--seccomp=off --mode=prevent"
	show mix-off-p
fi

# --file-events=off: no file syscall is stopped, so no File System event
# and no file rule, even in prevent mode; the other rules stay.
atk fileoff --file-events=off --mode=prevent -- open /etc/shadow r + open "$T/fileoff" w,creat + \
	unlink "$T/fileoff" + connect 127.0.0.1 3333
if [ "$(answers "$T/fileoff.out" | tr '\n' ' ')" = "RESULT open ok RESULT open ok RESULT unlink ok RESULT connect errno=EPERM " ] &&
	[ "$(py "$FI" rules "$T/fileoff.ev")" = crypto-miner-pool-port ] &&
	! grep -q '"class_uid":1001' "$T/fileoff.ev"; then
	ok "--file-events=off: no File System event, /etc/shadow read even in prevent mode; port 3333 still refused"
else
	not_ok "--file-events=off"
	show fileoff
fi

# ---------------------------------------------------------------------------
# File System Activity (1001) and Network Activity (4001).
rm -rf "$T/ev"
mkdir -p "$T/ev/sub"
echo old >"$T/ev/exists"
atk events -- open "$T/ev/sub/../new" w,creat + open "$T/ev/exists" w + open "$T/ev/exists" r + \
	rename "$T/ev/new" "$T/ev/new2" + chmod "$T/ev/new2" 755 + chmod "$T/ev/exists" 600 + \
	unlink "$T/ev/new2" + open /etc/shadow r + \
	connect 127.0.0.1 9 + connect ::1 9 + unix-listen "$T/ev/sock" + connect-unix "$T/ev/sock" + \
	connect-unix @falcon-rules-test-$$ + listen 127.0.0.1 0
PID=$(mainpid events)
LPORT=$(sed -n 's/^PORT listen //p' "$T/events.out")
export PID LPORT D=$T/ev ABS=@falcon-rules-test-$$
qok events "1001 Create: O_CREAT of a new file, the path resolved (sub/.. gone), by the process" \
	'[(e["activity_id"], e["type_uid"], actor(e)) for e in fs if path(e) == D + "/new"] == [(1, 100101, PID)]'
qok events "1001 Update: an existing file opened for writing" \
	'[e["activity_id"] for e in fs if path(e) == D + "/exists"] == [3]'
qok events "1001: an ordinary read (not a sensitive file) is no event" \
	'not [e for e in fs if path(e) == D + "/exists" and e["activity_id"] == 2]'
qok events "1001 Rename: the new name in file.path, the old in unmapped.old_path" \
	'[(e["activity_id"], un(e).get("old_path")) for e in fs if path(e) == D + "/new2" and e["activity_id"] == 5] == [(5, D + "/new")]'
# The mode set is unmapped.file_mode: in a Finding, whose unmapped has the
# activity's members too, unmapped.mode is detect or prevent.
qok events "1001 Set Attributes: chmod 0755, unmapped.file_mode 493" \
	'[(e["activity_id"], un(e).get("file_mode")) for e in fs if path(e) == D + "/new2" and e["activity_id"] == 6] == [(6, 0o755)]'
qok events "1001: a chmod without an exec, setuid or setgid bit (0600) is no event" \
	'not [e for e in fs if path(e) == D + "/exists" and e["activity_id"] == 6]'
qok events "1001 Delete: unlink" \
	'[e["activity_id"] for e in fs if path(e) == D + "/new2" and e["activity_id"] == 4] == [4]'
qok events "1001 Read: /etc/shadow, a sensitive file" \
	'[(e["activity_id"], actor(e)) for e in fs if path(e) == "/etc/shadow"] == [(2, PID)]'
qok events "4001 connect IPv4: activity 1, dst_endpoint 127.0.0.1:9, protocol_ver_id 4" \
	'[(e["activity_id"], e["dst_endpoint"].get("ip"), e["dst_endpoint"].get("port"), e["connection_info"]["protocol_ver_id"], actor(e)) for e in net if un(e).get("event") == "connect" and e.get("dst_endpoint", {}).get("port") == 9 and "." in e["dst_endpoint"].get("ip", "")] == [(1, "127.0.0.1", 9, 4, PID)]'
qok events "4001 connect IPv6: dst_endpoint ::1:9, protocol_ver_id 6" \
	'[(e["activity_id"], e["connection_info"]["protocol_ver_id"]) for e in net if un(e).get("event") == "connect" and e.get("dst_endpoint", {}).get("ip") == "::1"] == [(1, 6)]'
qok events "4001 bind and listen of a unix socket: unmapped.unix_path" \
	'sorted(un(e)["event"] for e in net if un(e).get("unix_path") == D + "/sock" and un(e).get("event") in ("bind", "listen")) == ["bind", "listen"]'
qok events "4001 connect of a unix socket: activity 1, unmapped.unix_path" \
	'[e["activity_id"] for e in net if un(e).get("event") == "connect" and un(e).get("unix_path") == D + "/sock"] == [1]'
qok events "4001 connect to an abstract unix socket: unix_path @name" \
	'len([e for e in net if un(e).get("event") == "connect" and un(e).get("unix_path") == E["ABS"]]) == 1'
qok events "4001 bind 127.0.0.1:0: src_endpoint, protocol_ver_id 4" \
	'[(e["src_endpoint"].get("ip"), e["src_endpoint"].get("port"), e["connection_info"]["protocol_ver_id"]) for e in net if un(e).get("event") == "bind" and un(e).get("unix_path") is None] == [("127.0.0.1", 0, 4)]'
qok events "4001 listen: src_endpoint 127.0.0.1 and the port it was given ($LPORT)" \
	'[(e["src_endpoint"].get("ip"), e["src_endpoint"].get("port")) for e in net if un(e).get("event") == "listen" and un(e).get("unix_path") is None] == [("127.0.0.1", int(E["LPORT"]))]'
qok events "every File System and Network event names the attack process as its actor" \
	'fs and net and all(actor(e) == PID for e in fs + net)'
qok events "the run made no Finding but sensitive-file-read" \
	'sorted({e["finding_info"]["analytic"]["uid"] for e in ev if e.get("class_uid") == 2004}) == ["sensitive-file-read"]'
atk events-p --mode=prevent -- open /etc/shadow r + connect 127.0.0.1 3333
qok events-p "prevent: a refused open's and connect's events say status Failure" \
	'[e.get("status_id") for e in ev if e.get("class_uid") in (1001, 4001)] == [2, 2]'

# ---------------------------------------------------------------------------
# --rules=FILE: a custom rule, sensitive_paths, overrides.
echo secret >"$T/secret.txt"
cat >"$T/custom.json" <<EOF
{
    "sensitive_paths": ["$T/secret.txt"],
    "rules": [
        {
            "id": "curl-to-metadata",
            "title": "curl run against the metadata endpoint",
            "severity": "high",
            "action": "deny",
            "event": "exec",
            "mitre": "T1552.005",
            "when": [
                { "field": "process.name", "op": "eq", "value": "curl" },
                { "field": "process.args", "op": "contains", "value": "169.254.169.254" }
            ]
        }
    ]
}
EOF
atk custom --rules="$T/custom.json" -- exec "$B/bin/curl" -s http://169.254.169.254/latest/meta-data/ + \
	exec "$B/bin/curl" -s http://127.0.0.1:9/ + open "$T/secret.txt" r + open /etc/shadow r
pid=$(awk '$1 == "RESULT" && $2 == "exec" { print $4; exit }' "$T/custom.out")
pid=${pid#pid=}
if has_finding custom curl-to-metadata "$pid" false exec && [ "$(count custom curl-to-metadata)" = 1 ]; then
	ok "--rules: the custom rule fires for curl 169.254.169.254, not for curl 127.0.0.1"
else
	not_ok "--rules: the custom rule"
	show custom
fi
if [ "$(count custom sensitive-file-read)" = 1 ]; then
	ok "--rules: the built-in rules still apply"
else
	not_ok "--rules: the built-in rules still apply"
fi
PID=$(mainpid custom) D=$T qok custom "--rules: its sensitive_paths are added: a read of secret.txt is a 1001 Read" \
	'[(e["activity_id"], actor(e)) for e in fs if path(e) == D + "/secret.txt"] == [(2, PID)]'
atk custom-p --mode=prevent --rules="$T/custom.json" -- exec "$B/bin/curl" -s http://169.254.169.254/
if [ "$(status custom-p)" = errno=EPERM ] && has_finding custom-p curl-to-metadata "$(lastpid custom-p)" true exec; then
	ok "--rules: prevent: the custom deny rule refuses the exec"
else
	not_ok "--rules: prevent: the custom deny rule"
	show custom-p
fi

cat >"$T/off.json" <<'EOF'
{"rules": [
  {"id": "network-tool", "title": "off", "severity": "low", "action": "alert",
   "event": "exec", "when": [], "enabled": false},
  {"id": "write-below-etc", "title": "File below /etc written (denied here)", "severity": "high",
   "action": "deny", "event": ["open", "rename", "unlink"],
   "when": [{"field": "file.is_write", "op": "eq", "value": true},
            {"field": "file.path", "op": "prefix", "value": "/etc/"}]}
]}
EOF
atk override --rules="$T/off.json" -- exec "$B/bin/nmap" + exec "$B/bin/xmrig"
if [ "$(count override network-tool)" = 0 ] && [ "$(count override crypto-miner-binary)" = 1 ]; then
	ok "--rules: \"enabled\": false on a built-in id silences it (nmap), the others stay (xmrig)"
else
	not_ok "--rules: a built-in turned off"
	show override
fi
atk override-p --mode=prevent --rules="$T/off.json" -- open "$SYS_ETC" w,creat
if [ "$(status override-p)" = errno=EPERM ] && [ ! -e "$SYS_ETC" ] &&
	has_finding override-p write-below-etc "$(lastpid override-p)" true open; then
	ok "--rules: a built-in id replaced with action deny: /etc refused in prevent mode"
else
	not_ok "--rules: a built-in replaced with action deny"
	show override-p
	rm -f "$SYS_ETC"
fi

# Rules files the sensor refuses at start. badrule NAME WHAT GREP...: the
# file $T/bad-NAME.json; fail-open runs the app untraced, --fail=closed
# exits 101 without running it; stderr names the file and matches every
# GREP (extended regexps, case-insensitive).
APP_CMD=(/bin/sh sh -c 'grep -q "^TracerPid:[[:space:]]*0$" /proc/self/status && echo untraced; exit 7')
badrule() {
	local name=$1 what=$2 file=$T/bad-$1.json re miss=
	shift 2
	[ "$name" = missing ] && file=$T/no-such-rules.json
	sense "bad-$name" --rules="$file" -- "${APP_CMD[@]}"
	sense "bad-$name-c" --rules="$file" --fail=closed -- "${APP_CMD[@]}"
	for re in "$(basename "$file")" "$@"; do
		grep -qiE -- "$re" "$T/bad-$name.err" || miss="$miss $re"
	done
	if [ -z "$miss" ] && [ "$(cat "$T/bad-$name.rc")" = 7 ] && [ "$(cat "$T/bad-$name.out")" = untraced ] &&
		[ "$(cat "$T/bad-$name-c.rc")" = 101 ] && [ ! -s "$T/bad-$name-c.out" ]; then
		ok "--rules: $what: refused, named; fail-open runs the app untraced, --fail=closed exits 101"
	else
		not_ok "--rules: $what: refused and named (missing from stderr:${miss:- nothing}), open: exit $(cat "$T/bad-$name.rc") '$(cat "$T/bad-$name.out")', closed: exit $(cat "$T/bad-$name-c.rc")"
		diag "$T/bad-$name.err"
	fi
}
# rulefile NAME RULE-JSON...: a rules file with these rules.
rulefile() {
	local name=$1 sep=
	shift
	{
		printf '{"rules": [\n'
		for r in "$@"; do printf '%s%s\n' "$sep" "$r"; sep=,; done
		printf ']}\n'
	} >"$T/bad-$name.json"
}
R='"title": "t", "severity": "high", "action": "alert"'
rulefile key "{\"id\": \"r-key\", $R, \"event\": \"exec\", \"actoin\": \"deny\", \"when\": []}"
badrule key "an unknown key in a rule" r-key actoin
rulefile field "{\"id\": \"r-field\", $R, \"event\": \"exec\", \"when\": [{\"field\": \"process.argz\", \"op\": \"eq\", \"value\": \"x\"}]}"
badrule field "an unknown event field" r-field 'process\.argz'
rulefile op "{\"id\": \"r-op\", $R, \"event\": \"exec\", \"when\": [{\"field\": \"process.name\", \"op\": \"regex\", \"value\": \"x\"}]}"
badrule op "an unknown op" r-op regex
rulefile sev '{"id": "r-sev", "title": "t", "severity": "urgent", "action": "alert", "event": "exec", "when": []}'
badrule sev "a bad severity" r-sev severity
rulefile dup "{\"id\": \"r-dup\", $R, \"event\": \"exec\", \"when\": []}" "{\"id\": \"r-dup\", $R, \"event\": \"open\", \"when\": []}"
badrule dup "a duplicate id" r-dup
rulefile type "{\"id\": \"r-type\", $R, \"event\": \"connect\", \"when\": [{\"field\": \"dst.port\", \"op\": \"eq\", \"value\": \"3333\"}]}"
badrule type "a string value for a number field" r-type 'dst\.port|value'
rulefile event '{"id": "r-event", "title": "t", "severity": "high", "action": "alert", "event": "exex", "when": []}'
badrule event "an unknown event" r-event exex
rulefile action '{"id": "r-action", "title": "t", "severity": "high", "action": "block", "event": "exec", "when": []}'
badrule action "an unknown action" r-action 'action|block'
rulefile anybits "{\"id\": \"r-bits\", $R, \"event\": \"chmod\", \"when\": [{\"field\": \"file.mode\", \"op\": \"any_bits\", \"value\": [1, 2]}]}"
badrule anybits "a list value for any_bits" r-bits any_bits
rulefile prefixnum "{\"id\": \"r-pfx\", $R, \"event\": \"connect\", \"when\": [{\"field\": \"dst.port\", \"op\": \"prefix\", \"value\": \"33\"}]}"
badrule prefixnum "prefix on a number field" r-pfx 'prefix|dst\.port'
rulefile noid "{$R, \"event\": \"exec\", \"when\": []}"
badrule noid "a rule without an id" '(^|[^a-z])id([^a-z]|$)'
printf '{"rules": [ {"id": "r-json", ' >"$T/bad-json.json"
badrule json "not JSON"
badrule missing "a file that does not exist"

# ---------------------------------------------------------------------------
# Every line of every run is OCSF; every run ended with the sensor's Stop
# (fail-open runs have no events); every Finding agrees with its rules.
# all.idx: the first line of each run in all.jsonl; by_run FILE rewrites
# "event N" and "line N" of all.jsonl as the run and its own line number.
by_run() {
	awk 'NR == FNR { start[NR] = $1; run[NR] = $2; n = NR; next }
	     match($0, /^(event|line) [0-9]+/) {
		w = $1
		e = $2 + 0
		for (i = n; i > 1 && start[i] > e; i--) ;
		sub(/^(event|line) [0-9]+/, run[i] ": " w " " (e - start[i] + 1))
	     } { print "#   " $0 }' "$T/all.idx" "$1"
}
: >"$T/all.jsonl"
: >"$T/all.idx"
for f in "$T"/*.ev; do
	case $f in */bad-*) continue ;; esac
	echo "$(($(wc -l <"$T/all.jsonl") + 1)) $(basename "$f" .ev)" >>"$T/all.idx"
	cat "$f" >>"$T/all.jsonl"
done
if py "$EV" validate "$T/all.jsonl" $SCHEMA >"$T/all.val" 2>&1; then
	ok "every event of every run is OCSF (schema ${SCHEMA:+checked}), $(wc -l <"$T/all.jsonl") lines"
else
	not_ok "events that are not OCSF (run: event N of the run: problem)"
	by_run "$T/all.val" | head -n 40
fi
if py "$FI" dupkeys "$T/all.jsonl" >"$T/dup" 2>&1; then
	ok "no event has an object with a duplicate key"
else
	not_ok "events with a duplicate key (run: line N of the run: problem)"
	by_run "$T/dup" | head -n 20
fi
py - "$T" >"$T/stops" <<'EOF'
import glob, json, os, sys
for f in sorted(glob.glob(os.path.join(sys.argv[1], "*.ev"))):
    if os.path.basename(f).startswith("bad-"):
        continue
    lines = open(f, "rb").read().splitlines()
    last = json.loads(lines[-1]) if lines else {}
    if last.get("class_uid") != 6002 or last.get("activity_name") != "Stop":
        print(os.path.basename(f))
EOF
if [ ! -s "$T/stops" ]; then
	ok "every run ended with the sensor's Stop event"
else
	not_ok "runs without a final Stop: $(tr '\n' ' ' <"$T/stops")"
fi
builtin_runs=()
for f in "$T"/*.ev; do
	case $f in */bad-*|*/custom*|*/override*|*/id-names*) ;; *) builtin_runs+=("$f") ;; esac
done
if py "$FI" check "$BUILTIN" "${builtin_runs[@]}" >"$T/check" 2>&1 &&
	py "$FI" check "$BUILTIN,$T/custom.json" "$T"/custom*.ev >>"$T/check" 2>&1 &&
	py "$FI" check "$BUILTIN,$T/off.json" "$T"/override*.ev >>"$T/check" 2>&1 &&
	py "$FI" check "$BUILTIN,$T/names.json" "$T"/id-names*.ev >>"$T/check" 2>&1; then
	ok "every Finding: rule id, title, severity, rule_action, mode, applied and action_id agree with its rule"
else
	not_ok "Findings that disagree with their rule"
	diag "$T/check"
fi

exit $failed
