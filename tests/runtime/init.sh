#!/usr/bin/env bash
# init.sh: falcon-init's tests. tests/suite-runtime.sh runs it in a private
# mount namespace (unshare -m), so the small tmpfs volumes it mounts vanish
# with it even if it is killed. usage: init.sh PAYLOAD FALCON_INIT SCRATCH PROBE
set -u
SRC=$1
INIT=$2
T=$3
PROBE=$4
. "$(dirname "$0")/lib.sh"
V=$T/vol

# mount_vol [OPTIONS]: a fresh tmpfs at $V.
mount_vol() {
	umount "$V" 2>/dev/null
	mkdir -p "$V"
	mount -t tmpfs -o "size=16m,mode=755${1:+,$1}" fc-test-volume "$V"
}

# init NAME ARGS...: runs falcon-init; leaves $T/NAME.{out,err,rc}.
init() {
	local name=$1 rc=0
	shift
	"$INIT" "$@" >"$T/$name.out" 2>"$T/$name.err" || rc=$?
	echo "$rc" >"$T/$name.rc"
}

# expect_rc NAME DESC RC PATTERN: exit status, and a failure to copy is one
# line on stderr.
expect_rc() {
	local name=$1 desc=$2 rc=$3 pattern=$4
	if [ "$(cat "$T/$name.rc")" = "$rc" ] && grep -q -- "$pattern" "$T/$name.out" "$T/$name.err" &&
		{ [ "$rc" -lt 101 ] || [ "$(wc -l <"$T/$name.err")" = 1 ]; }; then
		ok "$desc"
	else
		not_ok "$desc: exit $(cat "$T/$name.rc")"
		diag "$T/$name.out" "$T/$name.err"
	fi
}

# The volume holds exactly the payload (no temporary directory left).
tree_is_payload() {
	[ "$(ls -A "$V")" = falcon ] && diff -r "$SRC" "$V/falcon" >/dev/null &&
		[ "$(stat -c %a "$V/falcon")" = 755 ] &&
		[ "$(stat -c %a "$V/falcon/falcon-launcher")" = 755 ] &&
		[ "$(stat -c %a "$V/falcon/falcon-sensor")" = 755 ] &&
		[ "$(stat -c %a "$V/falcon/MANIFEST")" = 644 ]
}
vol_empty() { [ -z "$(ls -A "$V")" ]; }
inodes() { stat -c '%n %i %Y' "$V/falcon" "$V/falcon"/*; }

mount_vol
init fresh --from "$SRC" --to "$V/falcon"
expect_rc fresh "init: a fresh copy succeeds" 0 'installed: 2 files'
check "init: the copy is the payload, modes 0755 (0644 for MANIFEST), nothing else on the volume" tree_is_payload
inodes >"$T/inodes.1"
init again --from "$SRC" --to "$V/falcon"
expect_rc again "init: a second run succeeds" 0 'already installed and verified'
inodes >"$T/inodes.2"
check "init: a second run leaves the same tree, untouched (same inodes)" cmp -s "$T/inodes.1" "$T/inodes.2"

# The installed payload works for a non-root application.
json=$(json_strv "$PROBE" parent)
out=$(setpriv --reuid=1000 --regid=1000 --clear-groups /usr/bin/env -i PATH=/usr/bin:/bin \
	FALCON_APP_ENTRYPOINT="$json" FALCONCTL_OPTS="$BASE_OPTS" "$V/falcon/falcon-launcher" 2>&1)
check "init: an app running as uid 1000 starts through the installed launcher and sensor" \
	test "$out" = "parent=falcon-sensor"

printf 'X' >>"$V/falcon/falcon-sensor"
init corrupt --from "$SRC" --to "$V/falcon"
expect_rc corrupt "init: a payload on the volume that does not verify is replaced" 0 'replaced a copy that did not verify'
check "init: ... by the right one, with nothing left over" tree_is_payload

chmod 700 "$V/falcon"
init badmode --from "$SRC" --to "$V/falcon"
expect_rc badmode "init: a payload directory with the wrong mode is replaced" 0 'replaced'
check "init: ... and the tree is right again" tree_is_payload

rm -rf "$V/falcon"
printf 'a file\n' >"$V/falcon"
init wasfile --from "$SRC" --to "$V/falcon"
expect_rc wasfile "init: a file in the payload's place is replaced" 0 'replaced'
check "init: ... by the payload directory" tree_is_payload

rm -rf "$V/falcon"
mkdir -p "$V/.falcon-init.0123456789abcdef/sub"
printf 'half\n' >"$V/.falcon-init.0123456789abcdef/sub/falcon-sensor"
init stale --from "$SRC" --to "$V/falcon"
expect_rc stale "init: a run after a crashed one succeeds" 0 'installed'
check "init: ... and removes the crashed run's temporary directory" tree_is_payload

# Read-only volume: empty, it fails; already holding the payload, it passes.
mount_vol ro
init ro --from "$SRC" --to "$V/falcon"
expect_rc ro "init: a read-only volume: exit 105" 105 'must mount crowdstrike-falcon-volume read-write'
mount_vol
init rw --from "$SRC" --to "$V/falcon" >/dev/null
mount -o remount,ro "$V"
init ro2 --from "$SRC" --to "$V/falcon"
expect_rc ro2 "init: a read-only volume that already holds the payload: success" 0 'already installed'
# Application containers mount the volume read-only.
out=$(/usr/bin/env -i PATH=/usr/bin:/bin FALCON_APP_ENTRYPOINT="$(json_strv "$PROBE" parent)" \
	FALCONCTL_OPTS="$BASE_OPTS" "$V/falcon/falcon-launcher" 2>&1)
check "init: the launcher and the sensor run from the read-only volume" test "$out" = "parent=falcon-sensor"
mount_vol
chmod 755 "$V"
rc=0
setpriv --reuid=1000 --regid=1000 --clear-groups "$INIT" --from "$SRC" --to "$V/falcon" \
	>"$T/nonroot.out" 2>"$T/nonroot.err" || rc=$?
echo $rc >"$T/nonroot.rc"
expect_rc nonroot "init: run as a non-root user on a root-owned volume: exit 105" 105 'Permission denied'

# Disk full: the tmpfs is smaller than the payload.
mount_vol size=256k
init full --from "$SRC" --to "$V/falcon"
expect_rc full "init: a full volume: exit 106" 106 'the volume is full'
check "init: ... and nothing is left on the volume" vol_empty

# A corrupt or incomplete image.
mount_vol
mk_src() { rm -rf "$T/src" && cp -a "$SRC" "$T/src"; }
mk_src
printf '\x01' | dd of="$T/src/falcon-sensor" bs=1 seek=1000 conv=notrunc status=none
init flipped --from "$T/src" --to "$V/falcon"
expect_rc flipped "init: a payload byte changed in the image: exit 103" 103 'falcon-sensor has .* bytes with crc32'
check "init: ... and nothing is left on the volume" vol_empty
mk_src
truncate -s -1 "$T/src/falcon-launcher"
init short --from "$T/src" --to "$V/falcon"
expect_rc short "init: a truncated payload file: exit 103" 103 'MANIFEST says'
check "init: ... and nothing is left on the volume" vol_empty
mk_src
rm "$T/src/falcon-sensor"
init gone --from "$T/src" --to "$V/falcon"
expect_rc gone "init: a file that MANIFEST lists is missing: exit 103" 103 'which MANIFEST lists'
mk_src
rm "$T/src/MANIFEST"
init nomanifest --from "$T/src" --to "$V/falcon"
expect_rc nomanifest "init: no MANIFEST: exit 102" 102 'MANIFEST: No such file'
mk_src
sed -i '1s/v1/v9/' "$T/src/MANIFEST"
init badmanifest --from "$T/src" --to "$V/falcon"
expect_rc badmanifest "init: a MANIFEST in another format: exit 103" 103 'MANIFEST line 1'
mk_src
sed -i 's/ 0755$/ 4755/' "$T/src/MANIFEST"
init setuid --from "$T/src" --to "$V/falcon"
expect_rc setuid "init: a MANIFEST asking for a set-ID mode: exit 103" 103 'bad mode'
init nosrc --from "$T/nonexistent" --to "$V/falcon"
expect_rc nosrc "init: no payload directory in the image: exit 102" 102 'the image is incomplete'
check "init: ... and nothing is left on the volume" vol_empty

# The volume itself.
init novol --from "$SRC" --to "$T/nonexistent/falcon"
expect_rc novol "init: the volume directory does not exist: exit 104" 104 'does not exist'
mkdir -p "$T/plain"
init notmount --from "$SRC" --to "$T/plain/falcon"
expect_rc notmount "init: the volume directory is not a mount point: exit 104" 104 'is not a mount point'
init nocheck --from "$SRC" --to "$T/plain/falcon" --no-mount-check
expect_rc nocheck "init: --no-mount-check installs into a plain directory" 0 'installed'
init usage --frm x
expect_rc usage "init: a bad flag: exit 100" 100 'unknown or incomplete argument'

umount "$V"
exit $failed
