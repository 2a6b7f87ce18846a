# tests/lib/proc_tree.sh: a process tree as it was, and what of it still
# runs (sourced, not run). Used by tests/suite-servers.sh and bench/real.sh
# to prove, and to make sure, that a stopped server left nothing behind.
# A process is "pid:starttime", so that a reused pid is never mistaken for
# the process that had it.

# proc_start PID: the process's start time (clock ticks after boot).
proc_start() {
	local s
	s=$(sed 's/.*) //' "/proc/$1/stat" 2> /dev/null) || return 1
	# shellcheck disable=SC2086 # split the stat fields on purpose
	set -- $s
	echo "${20}"
}

# alive PID: the process exists and is not a zombie waiting for its parent.
alive() {
	local s
	s=$(sed 's/.*) //' "/proc/$1/stat" 2> /dev/null) || return 1
	[ -n "$s" ] && [ "${s%% *}" != Z ] && [ "${s%% *}" != X ]
}

# proc_tree PID: "pid:starttime" of PID and all its descendants, by parent
# links (postgres backends call setsid(), so a session would miss them).
proc_tree() {
	local p st
	for p in $(ps -e -o pid=,ppid= | awk -v root="$1" '
		{ kids[$2] = kids[$2] " " $1 }
		END {
			n = split(root, todo, " ")
			for (i = 1; i <= n; i++) {
				print todo[i]
				m = split(kids[todo[i]], k, " ")
				for (j = 1; j <= m; j++) todo[++n] = k[j]
			}
		}'); do
		st=$(proc_start "$p") && echo "$p:$st"
	done
}

# still_running TREE: the pids of TREE (from proc_tree) still running as
# the same processes.
still_running() {
	local e p
	for e in $1; do
		p=${e%%:*}
		alive "$p" && [ "$(proc_start "$p")" = "${e#*:}" ] && echo "$p"
	done
}

# named PID...: each as "pid (command name)", for a diagnostic.
named() {
	local p
	for p in "$@"; do
		echo "$p ($(cat "/proc/$p/comm" 2> /dev/null))"
	done
}
