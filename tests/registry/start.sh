#!/usr/bin/env bash
# start.sh [DIR]: starts the registry test fixtures by hand, for debugging
# (see README.md), prints their addresses and keeps them up until Ctrl-C.
set -u
dir=${1:-$(mktemp -d /tmp/fcreg.XXXXXX)}
dir=$(mkdir -p "$dir" && cd "$dir" && pwd)
. "$(dirname "$0")/registries.sh"
sleeper=
stop() {
	[ -n "$sleeper" ] && kill "$sleeper" 2>/dev/null
	registries_stop "$dir"
}
trap 'stop; exit 0' INT TERM
trap stop EXIT
registries_start "$dir" || exit 1
cat "$dir/env.sh"
echo "# logs in $dir/logs; Ctrl-C stops everything"
sleep infinity &
sleeper=$!
wait "$sleeper"
