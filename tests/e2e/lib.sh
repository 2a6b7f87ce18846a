# shellcheck shell=bash
# lib.sh: setup shared by tests/suite-e2e.sh and bench/startup.sh: podman as
# it must run on the development machines, the Debian base image, a loopback
# registry, and the images the end-to-end tests run. Sourced, not executed.
#
# The caller sets E2E_WORK (a private directory, removed by the caller) and
# calls e2e_cleanup from its EXIT trap.

E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
E2E_ROOT=$(cd "$E2E_DIR/../.." && pwd)
E2E_BASE=docker.io/library/debian:bookworm-slim
# shellcheck disable=SC2034 # used by the scripts that source this
E2E_CID=0123456789ABCDEF0123456789ABCDEF-12
E2E_REGISTRY_PID=
E2E_REG=
E2E_TAG=e2e-$$

# Wherever the callers run it, podman gets runc (crun fails here with
# "cgroups in hybrid mode not supported") and no default ulimits (runc cannot
# raise RLIMIT_NOFILE here), as found on the development machines.
e2e_podman_setup() {
	mkdir -p "$E2E_WORK"
	cat > "$E2E_WORK/containers.conf" <<-'EOF'
	[containers]
	default_ulimits = []
	[engine]
	runtime = "runc"
	EOF
	export CONTAINERS_CONF=$E2E_WORK/containers.conf
	export PODMAN="podman --runtime runc"
}

pm() {
	podman --runtime runc "$@"
}

# The commands and files the suite needs, with the Debian package for each;
# prints the missing packages and fails if there are any. (runc is named: podman
# is content with crun, which fails here; catatonit is what podman --init runs,
# for initProcessEnabled.)
e2e_missing_packages() {
	local missing=() pair cmd pkg
	for pair in podman:podman runc:runc debootstrap:debootstrap \
		docker-registry:docker-registry jq:jq gcc:gcc curl:curl \
		python3:python3 conmon:conmon catatonit:catatonit; do
		cmd=${pair%%:*}
		pkg=${pair#*:}
		command -v "$cmd" > /dev/null 2>&1 || missing+=("$pkg")
	done
	# The busybox image needs a static busybox: Debian's `busybox` is dynamic.
	if ! [ -x /bin/busybox ] || ! file_is_static /bin/busybox; then
		missing+=(busybox-static)
	fi
	# The probe is linked statically against glibc.
	if ! [ -e /usr/lib/x86_64-linux-gnu/libc.a ] &&
	   ! ls /usr/lib/*/libc.a > /dev/null 2>&1; then
		missing+=(libc6-dev)
	fi
	[ ${#missing[@]} -eq 0 ] && return 0
	echo "${missing[*]}"
	return 1
}

file_is_static() {
	# A static executable has no PT_INTERP; `ldd` says "not a dynamic
	# executable" for it, without running it.
	! ldd "$1" > /dev/null 2>&1
}

# Ensures the Debian base image is in podman's store. No image can be pulled
# here, so a missing one is made with debootstrap (about a minute) and trimmed
# the way the real bookworm-slim is: no documentation, manual pages or
# locales, no apt lists. Prints how it got the image.
e2e_base_image() {
	if pm image exists "$E2E_BASE"; then
		echo "cached"
		return 0
	fi
	local root=$E2E_WORK/rootfs
	local mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
	if ! debootstrap --variant=minbase bookworm "$root" "$mirror" \
		> "$E2E_WORK/debootstrap.log" 2>&1; then
		tail -n 20 "$E2E_WORK/debootstrap.log" >&2
		return 1
	fi
	mkdir -p "$root/etc/dpkg/dpkg.cfg.d"
	cat > "$root/etc/dpkg/dpkg.cfg.d/slim" <<-'EOF'
	path-exclude /usr/share/doc/*
	path-include /usr/share/doc/*/copyright
	path-exclude /usr/share/man/*
	path-exclude /usr/share/info/*
	path-exclude /usr/share/locale/*
	path-exclude /usr/share/lintian/*
	EOF
	rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/cache/apt/*.bin \
		"$root"/var/lib/apt/lists/* "$root"/usr/share/man/* \
		"$root"/usr/share/info/* "$root"/usr/share/locale/*
	find "$root/usr/share/doc" -mindepth 1 ! -name copyright -type f -delete
	tar -C "$root" --numeric-owner -c . |
		pm import \
			--change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
			--change 'CMD ["bash"]' - "$E2E_BASE" > "$E2E_WORK/import.log" 2>&1 ||
		{ cat "$E2E_WORK/import.log" >&2; return 1; }
	rm -rf "$root"
	echo "made with debootstrap"
}

e2e_free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Starts a registry on a free loopback port; sets E2E_REG to 127.0.0.1:PORT.
e2e_registry_start() {
	local port _
	port=$(e2e_free_port)
	mkdir -p "$E2E_WORK/registry"
	cat > "$E2E_WORK/registry.yml" <<-EOF
	version: 0.1
	log:
	  level: error
	  accesslog:
	    disabled: true
	storage:
	  filesystem:
	    rootdirectory: $E2E_WORK/registry
	http:
	  addr: 127.0.0.1:$port
	EOF
	docker-registry serve "$E2E_WORK/registry.yml" > "$E2E_WORK/registry.log" 2>&1 &
	E2E_REGISTRY_PID=$!
	E2E_REG=127.0.0.1:$port
	for _ in $(seq 100); do
		curl -fs "http://$E2E_REG/v2/" > /dev/null && return 0
		kill -0 "$E2E_REGISTRY_PID" 2> /dev/null || break
		sleep 0.1
	done
	cat "$E2E_WORK/registry.log" >&2
	return 1
}

# Builds the probe (static: it runs in a scratch image).
e2e_probe() {
	gcc -std=gnu11 -D_GNU_SOURCE -O2 -static -Wall -Wextra -Werror -Wshadow \
		-Wconversion -Wformat=2 -Wstrict-prototypes -Wmissing-prototypes \
		-Wvla -Wundef -Wcast-qual -Wnull-dereference -Wimplicit-fallthrough \
		-o "$E2E_WORK/probe" "$E2E_DIR/probe.c"
}

# e2e_build IMAGE BUILD-ARGS...: podman build, tagged IMAGE. The tag is
# stable across runs so that the layer cache (apt-get in the Dockerfile)
# survives; the image it replaces is removed, which keeps the layers it
# shares with the new one.
e2e_build() {
	local image=$1 old new
	shift
	old=$(pm image inspect --format '{{.Id}}' "$image" 2> /dev/null)
	pm build -t "$image" "$@" || return 1
	new=$(pm image inspect --format '{{.Id}}' "$image")
	if [ -n "$old" ] && [ "$old" != "$new" ]; then
		pm rmi "$old" > /dev/null 2>&1
	fi
	return 0
}

# e2e_build_test_image NAME: builds tests/e2e/images/NAME as
# localhost/fc-e2e/NAME from a context holding the probe, a static busybox,
# a non-executable data file and the image directory's own files.
e2e_build_test_image() {
	local name=$1 ctx=$E2E_WORK/ctx-$1
	rm -rf "$ctx"
	mkdir -p "$ctx"
	cp -a "$E2E_DIR/images/$name/." "$ctx/"
	cp "$E2E_WORK/probe" "$ctx/probe"
	cp /bin/busybox "$ctx/busybox"
	printf 'not a program\n' > "$ctx/data.txt"
	chmod 0644 "$ctx/data.txt"
	e2e_build "localhost/fc-e2e/$name" \
		--build-arg "FALCON_IMAGE=localhost/fc-e2e/falcon-container" \
		"$ctx" > "$E2E_WORK/build-$name.log" 2>&1
}

# Builds tests/e2e/attacks/image as localhost/fc-e2e/attack: a static
# busybox and the attack application, with the /etc/shadow the rules watch.
e2e_build_attack_image() {
	local ctx=$E2E_WORK/ctx-attack
	rm -rf "$ctx"
	mkdir -p "$ctx"
	cp -a "$E2E_DIR/attacks/image/." "$ctx/"
	cp /bin/busybox "$ctx/busybox"
	e2e_build localhost/fc-e2e/attack "$ctx" > "$E2E_WORK/build-attack.log" 2>&1
}

# Builds the falcon-container image from the repository's Dockerfile. The
# build stage gets a tag of its own, so that the stage a source change
# replaces is removed rather than left dangling at every change.
e2e_build_falcon_image() {
	e2e_build localhost/fc-e2e/falcon-build --target build \
		-f "$E2E_ROOT/Dockerfile" "$E2E_ROOT" > "$E2E_WORK/build-falcon.log" 2>&1 &&
	e2e_build localhost/fc-e2e/falcon-container -f "$E2E_ROOT/Dockerfile" \
		"$E2E_ROOT" >> "$E2E_WORK/build-falcon.log" 2>&1
}

# e2e_push NAME: pushes localhost/fc-e2e/NAME as $E2E_REG/NAME:$E2E_TAG.
e2e_push() {
	pm push --quiet --tls-verify=false "localhost/fc-e2e/$1" \
		"$E2E_REG/$1:$E2E_TAG" > "$E2E_WORK/push-$1.log" 2>&1
}

# e2e_stop_tasks PID...: the task runs still going are told to stop (each
# ecs-run removes its containers on SIGTERM) and waited for.
e2e_stop_tasks() {
	local pid
	for pid in "$@"; do
		pkill -TERM -P "$pid" 2> /dev/null
	done
	for pid in "$@"; do
		wait "$pid" 2> /dev/null
	done
	return 0
}

# e2e_show FILE: its start as TAP diagnostics; every line ends, so that the
# next "ok"/"not ok" starts a line of its own.
e2e_show() {
	awk 'NR <= 40 { print "#   " substr($0, 1, 300) }
		NR == 41 { print "#   ..." }' "$1"
}

# e2e_phase NAME: a suite's steps timed, as "# phase NAME: N s" diagnostics;
# each phase ends when the next begins, or at e2e_phase_end.
E2E_PHASE=
E2E_PHASE_T0=
e2e_phase() {
	e2e_phase_end
	E2E_PHASE=$1
	E2E_PHASE_T0=$EPOCHREALTIME
}
e2e_phase_end() {
	[ -n "$E2E_PHASE" ] && awk -v a="$E2E_PHASE_T0" -v b="$EPOCHREALTIME" \
		-v p="$E2E_PHASE" 'BEGIN { printf "# phase %s: %.1f s\n", p, b - a }'
	E2E_PHASE=
}

# e2e_remove_work: the work directory goes, unless E2E_KEEP=1 asks to keep
# it (logs, definitions) for a look.
e2e_remove_work() {
	if [ -n "${E2E_KEEP:-}" ]; then
		echo "# kept $E2E_WORK"
	else
		rm -rf "$E2E_WORK"
	fi
}

# What the caller made goes away: its containers, the registry, and the
# names its pulls gave images. The base image and the build cache stay, so
# the next run is fast.
e2e_cleanup() {
	local img
	local -a ids
	if [ -n "$E2E_REGISTRY_PID" ]; then
		kill "$E2E_REGISTRY_PID" 2> /dev/null
		wait "$E2E_REGISTRY_PID" 2> /dev/null
	fi
	mapfile -t ids < <(pm ps -a -q --filter "name=^$E2E_TAG-" 2> /dev/null)
	[ ${#ids[@]} -gt 0 ] && pm rm -f -t 0 "${ids[@]}" > /dev/null 2>&1
	[ -n "$E2E_REG" ] || return 0
	for img in $(pm images --format '{{.Repository}}:{{.Tag}}' 2> /dev/null |
		grep -F "$E2E_REG/"); do
		pm untag "$img" "$img" > /dev/null 2>&1
	done
	return 0
}
