#!/usr/bin/env python3
"""check.py: task definitions in, and the argv check out, for
tests/suite-registry.sh.

  check.py mkdef OUT ARCH NAME IMAGE EP CMD [NAME IMAGE EP CMD ...]
      Writes a Fargate task definition. ARCH is X86_64, ARM64 or "-" (no
      runtimePlatform); EP and CMD are JSON arrays, or "-" for absent.

  check.py verify DEF PATCHED IMAGES_JSON
      For every container of DEF, computes the argv Docker would run for
      the unpatched definition (moby's merge rules, daemon/commit.go,
      with ENTRYPOINT/CMD from IMAGES_JSON, the table mkimages.py wrote)
      and checks that the patched container runs the same thing through
      the launcher: entryPoint is FC_LAUNCHER, FALCON_APP_ENTRYPOINT is
      the effective ENTRYPOINT, command is the effective CMD (absent when
      empty). Prints "# " diagnostics and exits 1 on any difference.

Nothing here asks the patcher or the registry: the expectation comes from
the images' known configs only.
"""
import json
import os
import sys

# The patcher's contract lives in common/layout.h; the suite passes its
# values in (FC_LAUNCHER, FC_ENV_ENTRYPOINT) so the check follows it.
LAUNCHER = [os.environ.get("FC_LAUNCHER", "/tmp/CrowdStrike/falcon/falcon-launcher")]
ENV_ENTRYPOINT = os.environ.get("FC_ENV_ENTRYPOINT", "FALCON_APP_ENTRYPOINT")


def mkdef(args):
    out, arch, rest = args[0], args[1], args[2:]
    if len(rest) % 4:
        sys.exit("check.py mkdef: containers come as NAME IMAGE EP CMD")
    td = {"family": "fctest-registry", "networkMode": "awsvpc",
          "requiresCompatibilities": ["FARGATE"], "cpu": "256",
          "memory": "512"}
    if arch != "-":
        td["runtimePlatform"] = {"operatingSystemFamily": "LINUX",
                                 "cpuArchitecture": arch}
    cds = []
    for i in range(0, len(rest), 4):
        name, image, ep, cmd = rest[i:i + 4]
        c = {"name": name, "image": image, "essential": True}
        if ep != "-":
            c["entryPoint"] = json.loads(ep)
        if cmd != "-":
            c["command"] = json.loads(cmd)
        cds.append(c)
    td["containerDefinitions"] = cds
    with open(out, "w") as f:
        json.dump(td, f, indent=2)


def repo_tag(image):
    """127.0.0.1:5000/fc/x:1 -> fc/x:1 (the key in images.json)."""
    first, _, rest = image.partition("/")
    if rest and ("." in first or ":" in first or first == "localhost"):
        return rest
    return image


def docker_argv(ep, cmd, img):
    """moby daemon/commit.go merge(): the image's Entrypoint only if the
    user's is nil; its Cmd only if the user's Entrypoint and Cmd are both
    empty. Returns (entrypoint, cmd) as lists."""
    if not ep:  # nil or empty
        if not cmd:
            cmd = img["Cmd"]
        if ep is None:
            ep = img["Entrypoint"]
    return list(ep or []), list(cmd or [])


def env_of(c, name):
    vals = [e.get("value") for e in c.get("environment", [])
            if e.get("name") == name]
    return vals


def verify(def_path, out_path, images_path):
    with open(def_path) as f:
        td = json.load(f)
    with open(images_path) as f:
        images = json.load(f)
    try:
        with open(out_path) as f:
            out = json.load(f)
    except ValueError as e:
        print("# patched output is not JSON: %s" % e)
        return 1
    arch = td.get("runtimePlatform", {}).get("cpuArchitecture", "X86_64")
    patched = {c.get("name"): c for c in out.get("containerDefinitions", [])}
    bad = 0
    for c in td["containerDefinitions"]:
        name = c["name"]
        ep, cmd = c.get("entryPoint"), c.get("command")
        img = None
        if not ep:
            per_arch = images.get(repo_tag(c["image"]), {})
            img = per_arch.get(arch)
            if img is None:
                print("# test bug: no config for %s on %s" % (c["image"], arch))
                bad += 1
                continue
        want_ep, want_cmd = docker_argv(ep, cmd, img or {})
        p = patched.get(name)
        if p is None:
            print("# container %s is missing from the output" % name)
            bad += 1
            continue
        if p.get("entryPoint") != LAUNCHER:
            print("# %s: entryPoint is %s, not the launcher"
                  % (name, json.dumps(p.get("entryPoint"))))
            bad += 1
        vals = env_of(p, ENV_ENTRYPOINT)
        if len(vals) != 1:
            print("# %s: %s appears %d times" % (name, ENV_ENTRYPOINT, len(vals)))
            bad += 1
            continue
        try:
            got_ep = json.loads(vals[0])
        except (TypeError, ValueError):
            print("# %s: %s is not JSON: %r" % (name, ENV_ENTRYPOINT, vals[0]))
            bad += 1
            continue
        got_cmd = p.get("command")
        if "command" in p and not got_cmd:
            print("# %s: command is present but empty (contract: absent)" % name)
            bad += 1
        got_cmd = got_cmd or []
        want = want_ep + want_cmd
        got = (got_ep if isinstance(got_ep, list) else [got_ep]) + got_cmd
        if got != want:
            print("# %s: effective argv differs from Docker's" % name)
            print("#   docker:  %s" % json.dumps(want, ensure_ascii=False))
            print("#   patched: %s" % json.dumps(got, ensure_ascii=False))
            bad += 1
        elif got_ep != want_ep or got_cmd != want_cmd:
            # Same argv, wrong split: `run-task --overrides command` would
            # then replace a different part than Docker replaces.
            print("# %s: ENTRYPOINT/CMD split differs from Docker's" % name)
            print("#   docker:  ENTRYPOINT %s CMD %s"
                  % (json.dumps(want_ep), json.dumps(want_cmd)))
            print("#   patched: ENTRYPOINT %s CMD %s"
                  % (json.dumps(got_ep), json.dumps(got_cmd)))
            bad += 1
    return 1 if bad else 0


def main():
    if len(sys.argv) >= 4 and sys.argv[1] == "mkdef":
        mkdef(sys.argv[2:])
        return 0
    if len(sys.argv) == 5 and sys.argv[1] == "verify":
        return verify(*sys.argv[2:])
    sys.exit(__doc__)


if __name__ == "__main__":
    sys.exit(main())
