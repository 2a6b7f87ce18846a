#!/usr/bin/env bash
# suite-exec.sh: ECS Exec's door, end to end. A patched task under podman
# (tests/e2e/ecs-run) runs `sleep 3600` in the attack image (it has an
# /etc/shadow), once unpatched, then patched in detect and in prevent mode;
# `podman exec` enters its app container from outside as ECS Exec does (runc
# exec: no descendant of the sensor). Each session runs in the unpatched
# task first, so that what it prints and how it exits under the sensor is
# compared with what it does untraced; the sensor's side is read from the
# container log (its stderr) and from `falcon-sensor status --json`, asked
# through the same door. The host-level cases (nsenter, threads, signals,
# the status channel's abuse) are suite-entrants.sh's.
#
# Needs what suite-e2e.sh needs, plus script (util-linux). E2E_KEEP=1 keeps
# the work directory.
set -u
cd "$(dirname "$0")/.." || exit 1
A=tests/e2e/attacks
STATUS=/tmp/CrowdStrike/falcon/falcon-sensor

E2E_WORK=$(mktemp -d /tmp/fc-exec.XXXXXX)
. tests/e2e/lib.sh
. tests/lib/tap.sh
TASK_PIDS=()
# shellcheck disable=SC2317 # called by the trap
on_exit() {
	e2e_stop_tasks "${TASK_PIDS[@]}"
	e2e_cleanup
	e2e_remove_work
}
trap on_exit EXIT
trap 'exit 130' INT TERM

OUT=$E2E_WORK/out
SPEC=$E2E_WORK/spec
mkdir -p "$OUT" "$SPEC"
failed=0
SUITE_T0=$EPOCHREALTIME

# ============================================================ setup

e2e_phase prerequisites
if ! need=$(e2e_missing_packages); then
	bail_out "exec: prerequisites are missing" "missing: $need (apt-get install $need)"
fi
command -v script > /dev/null ||
	bail_out "exec: prerequisites are missing" "missing: script (apt-get install bsdutils)"
[ "$(id -u)" = 0 ] || bail_out "exec: the tests must run as root" "rootful podman is needed"
e2e_podman_setup

e2e_phase images
how=$(e2e_base_image) || bail_out "exec: cannot make the base image $E2E_BASE" "$E2E_WORK/debootstrap.log"
e2e_registry_start || bail_out "exec: no registry on a loopback port" "$E2E_WORK/registry.log"
if ! e2e_build_falcon_image; then
	tail -n 40 "$E2E_WORK/build-falcon.log" > "$E2E_WORK/build-falcon.tail"
	bail_out "exec: the falcon-container image does not build from the Dockerfile" "$E2E_WORK/build-falcon.tail"
fi
e2e_build_attack_image || bail_out "exec: the attack image does not build" "$E2E_WORK/build-attack.log"
for img in falcon-container attack; do
	e2e_push "$img" || bail_out "exec: cannot push $img to $E2E_REG" "$E2E_WORK/push-$img.log"
done
FALCON_IMAGE=$E2E_REG/falcon-container:$E2E_TAG
pm pull --quiet --tls-verify=false "$FALCON_IMAGE" > /dev/null ||
	bail_out "exec: cannot pull $FALCON_IMAGE from $E2E_REG"
echo "# falcon-container and attack images built (base image $how) and pushed to $E2E_REG"

# ------------------------------------------------------------ patching

e2e_phase patch
# The attack image's ENTRYPOINT runs attacks; here the app only waits, as a
# service would, while sessions enter it. The sensor is the container's PID
# 1 (no initProcessEnabled), where --entrants=auto watches for entrants;
# the task "i" has initProcessEnabled (podman's catatonit, mounted as
# /run/podman-init, is PID 1 and the sensor its child).
sed -e "s|@REG@|$E2E_REG|g" -e "s|@TAG@|$E2E_TAG|g" "$A/attack.json" |
	jq '.containerDefinitions[0] |= (.entryPoint = ["/bin/sleep"] | .command = ["3600"]
		| del(.linuxParameters))' \
	> "$SPEC/u.json" || bail_out "exec: cannot make the task definition" "$A/attack.json"
# patch ID [PATCHER-FLAGS...]: the patcher run from the image, as the
# product guide does (suite-attacks.sh's way).
patch() {
	local id=$1
	shift
	pm run --network none -v "$SPEC:/var/run/spec" --rm "$FALCON_IMAGE" \
		-cid "$E2E_CID" -image "$FALCON_IMAGE" -ecs-spec-file /var/run/spec/u.json "$@" \
		> "$SPEC/$id.json" 2> "$SPEC/$id.patch.err"
}
patch d || bail_out "exec: the patcher does not patch the task" "$SPEC/d.patch.err"
patch p -falconctl-opts "--mode=prevent" || bail_out "exec: the patcher does not patch the task for prevent mode" \
	"$SPEC/p.patch.err"
jq '.containerDefinitions[0].linuxParameters.initProcessEnabled = true' "$SPEC/p.json" \
	> "$SPEC/i.json" || bail_out "exec: cannot make the initProcessEnabled task" "$SPEC/p.json"

# ------------------------------------------------------------ the task

# start ID: runs $SPEC/ID.json in the background until stop ID; sets CTR to
# its app container once a session can enter it (patched: once the sensor's
# Start event, "tracing /bin/sleep", is in the container log).
start() {
	local id=$1 _
	mkdir -p "$OUT/$id"
	tests/e2e/ecs-run --prefix "$E2E_TAG-$id" --logs "$OUT/$id" \
		--result "$OUT/$id/result.json" --timeout 300 --stop-timeout 5 \
		"$SPEC/$id.json" > "$OUT/$id/ecs-run.out" 2> "$OUT/$id/ecs-run.err" &
	TASK_PIDS+=($!)
	CTR=$E2E_TAG-$id-app
	for _ in $(seq 300); do
		if [ "$id" = u ]; then
			pm exec "$CTR" /bin/true > /dev/null 2>&1 && return 0
		else
			grep -q '"tracing /bin/sleep' "$OUT/$id/app.log" 2> /dev/null && return 0
		fi
		kill -0 "${TASK_PIDS[-1]}" 2> /dev/null || break
		sleep 0.1
	done
	return 1
}

# stop ID: the app is told to stop (the sensor writes its last events and
# exits), the task ends and ecs-run writes the logs.
stop() {
	local id=$1
	pm stop -t 5 "$E2E_TAG-$id-app" > /dev/null 2>&1
	wait "${TASK_PIDS[-1]}"
	unset 'TASK_PIDS[-1]'
	grep '^{' "$OUT/$id/app.stderr" > "$OUT/$id/events" 2> /dev/null
}

# The session: it waits (so that it is certainly running when the sensor
# finds it), reads /etc/shadow, runs a program and exits with its own code.
SESSION='sleep 0.5; cat /etc/shadow >/dev/null 2>&1 && echo read || echo refused; id -u; exit 7'
# exec_session: the session without a terminal; output in $out, exit in $rc.
exec_session() {
	out=$(pm exec "$CTR" /bin/sh -c "$SESSION" 2>&1 < /dev/null)
	rc=$?
	exec_rc=$rc
}

# On a terminal: script gives podman exec -it a pty, as ECS Exec's session
# manager does; the session is typed into an interactive shell.
TTY_SESSION='sleep 0.5; sh -c "echo nested"; id -u; exit 5'
# tty_session: its exit in $rc, what the terminal showed in $got, less
# carriage returns, prompts and the typed line's echo.
tty_session() {
	printf '%s\n' "$TTY_SESSION" |
		script -qec "$PODMAN exec -it $CTR /bin/sh" /dev/null > "$E2E_WORK/tty.out" 2>&1
	rc=$?
	got=$(tr -d '\r' < "$E2E_WORK/tty.out" | sed -e 's|^[^ ]* # ||' | grep -vxF "$TTY_SESSION")
}

# status_json: `falcon-sensor status --json` through podman exec, in $st.
status_json() {
	st=$(pm exec "$CTR" "$STATUS" status --json 2> "$E2E_WORK/status.err")
	st_rc=$?
}

# events ID JQ_FILTER: how many of the task's events match.
events() {
	jq -c "select($2)" "$OUT/$1/events" 2> /dev/null | wc -l
}

# ============================================================ unpatched

e2e_phase unpatched
start u || bail_out "exec: the unpatched task does not run" "$OUT/u/ecs-run.err"
exec_session
u_out=$out u_rc=$rc
tty_session
u_got=$got u_rc_tty=$rc
pm exec "$CTR" "$STATUS" status > "$E2E_WORK/u-status.out" 2>&1
u_status=$?
stop u
if [ "$u_rc" = 7 ] && [ "$u_out" = "$(printf 'read\n0')" ]; then
	ok "exec: unpatched: podman exec's session reads /etc/shadow and exits 7"
else
	not_ok "exec: unpatched: podman exec's session" "rc $u_rc, output: $u_out"
fi
# The shell's banner stays in: it is the same in every run.
if [ "$u_rc_tty" = 5 ] && [[ $u_got == *$'\nnested\n0' ]]; then
	ok "exec: unpatched: podman exec -it's interactive session types and exits 5"
else
	not_ok "exec: unpatched: podman exec -it's session" "rc $u_rc_tty, terminal: $u_got" \
		"$E2E_WORK/tty.out"
fi
[ "$u_status" != 0 ] && ok "exec: unpatched: no falcon-sensor status (exit $u_status)" ||
	not_ok "exec: unpatched: falcon-sensor status answers where no sensor runs" \
		"$E2E_WORK/u-status.out"

# ============================================================ patched

for mode in detect prevent; do
	id=${mode:0:1}
	e2e_phase "$mode"
	if ! start "$id"; then
		not_ok "exec: $mode: the patched task runs and its sensor answers status" \
			"$OUT/$id/ecs-run.err" "$OUT/$id/app.stderr"
		stop "$id"
		continue
	fi
	status_json
	before=$st before_rc=$st_rc
	exec_session
	sleep 0.3
	status_json
	after=$st after_rc=$st_rc
	# A moment for the sensor to have the -it session's shell before
	# anything is typed is the session's own sleep 0.5.
	tty_session
	rc_tty=$rc
	rc=$exec_rc
	stop "$id"

	want=$u_out
	[ $mode = prevent ] && want=$(printf 'refused\n0')
	if [ "$rc" = 7 ] && [ "$out" = "$want" ]; then
		ok "exec: $mode: podman exec's session prints and exits as unpatched$([ $mode = prevent ] && echo ", the read refused")"
	else
		not_ok "exec: $mode: podman exec's session" "rc $rc (want 7), output: $out" \
			"want: $want"
	fi
	if [ "$rc_tty" = "$u_rc_tty" ] && [ "$got" = "$u_got" ]; then
		ok "exec: $mode: podman exec -it's interactive session types and exits as unpatched"
	else
		not_ok "exec: $mode: podman exec -it's session" "rc $rc_tty (want $u_rc_tty)" \
			"terminal: $got" "unpatched: $u_got" "$E2E_WORK/tty.out"
	fi

	# The container log.
	n=$(events "$id" '.class_uid == 1007 and .activity_id == 1 and .unmapped.entered_from_outside == true and .unmapped.entered_at > 0 and (.process.cmd_line | startswith("/bin/sh -c sleep 0.5"))')
	a=$(events "$id" '.class_uid == 1007 and .activity_id == 1 and .unmapped.entered_from_outside == true and .unmapped.attached == true')
	[ "$n" -ge 1 ] && [ "$a" -ge 1 ] &&
		ok "exec: $mode: the session's shell has a Launch marked entered; entrants found running have attached Launches" ||
		not_ok "exec: $mode: the session's Launches" "the shell's: $n, attached: $a" \
			"$OUT/$id/events"
	n=$(events "$id" '.class_uid == 2004 and .finding_info.analytic.uid == "sensitive-file-read" and .unmapped.entered_from_outside == true')
	[ "$n" = 1 ] && ok "exec: $mode: the read of /etc/shadow is a sensitive-file-read Finding marked entered" ||
		not_ok "exec: $mode: the read's Finding" "found $n (want 1)" "$OUT/$id/events"
	# The two sessions told apart by unmapped.entered_at, the time each
	# entered: the one without a terminal is the one that read the file.
	at=$(jq -c 'select(.class_uid == 2004 and .finding_info.analytic.uid == "sensitive-file-read") | .unmapped.entered_at' "$OUT/$id/events" 2> /dev/null | head -n 1)
	tse='.class_uid == 2004 and .finding_info.analytic.uid == "terminal-shell-entered"'
	n=$(events "$id" "$tse and .unmapped.entered_at == ${at:-0}")
	[ -n "$at" ] && [ "$n" = 0 ] &&
		ok "exec: $mode: no terminal-shell-entered Finding for the session without a terminal" ||
		not_ok "exec: $mode: terminal-shell-entered without a terminal" \
			"found $n for the session entered at ${at:-?}" "$OUT/$id/events"
	n=$(events "$id" "$tse and .unmapped.entered_from_outside == true")
	t=$(events "$id" "$tse and .unmapped.entered_from_outside == true and .unmapped.argv == [\"/bin/sh\"] and .finding_info.attacks[0].technique.uid == \"T1609\"")
	[ "$n" = 1 ] && [ "$t" = 1 ] &&
		ok "exec: $mode: exactly one terminal-shell-entered Finding (T1609), for the -it session's /bin/sh" ||
		not_ok "exec: $mode: terminal-shell-entered" "found $n (want 1), naming /bin/sh and T1609: $t" \
			"$OUT/$id/events"
	n=$(events "$id" '(.process.cmd_line == "sleep 3600" or .process.cmd_line == "/bin/sleep 3600") and .unmapped.entered_from_outside == true')
	[ "$n" = 0 ] && ok "exec: $mode: the application's own events are not marked entered" ||
		not_ok "exec: $mode: the application's events" "$n marked entered" "$OUT/$id/events"

	# status, through the same door: the sensor's own binary is below
	# /tmp, and is no exec-from-tmp (nor refused in prevent mode); runc's
	# own init, which joins the container for each exec, is left to the
	# runtime and makes no Finding either.
	n=$(events "$id" '.class_uid == 2004 and (.finding_info.analytic.uid == "exec-from-tmp" or .finding_info.analytic.uid == "integrity-seccomp-listener")')
	[ "$n" = 0 ] && ok "exec: $mode: neither falcon-sensor status nor runc's init is a Finding" ||
		not_ok "exec: $mode: Findings of the runtime or of status" "found $n" "$OUT/$id/events"
	if [ "$before_rc" = 0 ] && [ "$after_rc" = 0 ] &&
		jq -e --arg m "$mode" '.mode == $m and .processes.watching_entrants' <<< "$before" > /dev/null &&
		jq -e . <<< "$after" > /dev/null; then
		ok "exec: $mode: podman exec falcon-sensor status --json answers valid JSON, mode $mode, watching entrants"
	else
		not_ok "exec: $mode: status --json" "before: rc $before_rc: $before" \
			"after: rc $after_rc: $after" "$E2E_WORK/status.err"
	fi
	b=$(jq '.findings["sensitive-file-read"] // 0' <<< "$before" 2> /dev/null)
	a=$(jq '.findings["sensitive-file-read"] // 0' <<< "$after" 2> /dev/null)
	eb=$(jq '.processes.entered' <<< "$before" 2> /dev/null)
	ea=$(jq '.processes.entered' <<< "$after" 2> /dev/null)
	if [ -n "$a" ] && [ "$a" = $((b + 1)) ] && [ -n "$ea" ] && [ "$ea" -gt "$eb" ]; then
		ok "exec: $mode: status after the session: entered $eb -> $ea, sensitive-file-read $b -> $a"
	else
		not_ok "exec: $mode: status before and after the session" \
			"entered $eb -> $ea" "sensitive-file-read $b -> $a (want one more)"
	fi
done

# ============================================================ with an init

# initProcessEnabled: catatonit is PID 1, the sensor its child; a session's
# read is judged there too (and does not wait on the guard's lease).
e2e_phase init
start i || bail_out "exec: the initProcessEnabled task does not run" "$OUT/i/ecs-run.err"
out=$(timeout 20 podman --runtime runc exec "$CTR" /bin/sh -c "$SESSION" 2>&1 < /dev/null)
rc=$?
stop i
n=$(events i '.class_uid == 2004 and .finding_info.analytic.uid == "sensitive-file-read" and .unmapped.entered_from_outside == true')
if [ "$rc" = 7 ] && [ "$out" = "$(printf 'refused\n0')" ] && [ "$n" = 1 ]; then
	ok "exec: initProcessEnabled (catatonit as PID 1): the session is traced, its read refused"
else
	not_ok "exec: initProcessEnabled" "rc $rc (want 7), output: $out" "Findings: $n" \
		"$OUT/i/events"
fi

e2e_phase_end
awk -v a="$SUITE_T0" -v b="$EPOCHREALTIME" 'BEGIN { printf "# suite exec: %.1f s\n", b - a }'
exit $failed
