#!/usr/bin/env python3
"""mkimages.py: writes the registry tests' images as one OCI layout.

Usage: mkimages.py OUTDIR

Writes OUTDIR/layout (an OCI image layout; each image is tagged in
index.json with org.opencontainers.image.ref.name), OUTDIR/push.list (one
"REF REPO:TAG MODE" line per image, MODE being how push.sh copies it) and
OUTDIR/images.json (what each image's config says, per task architecture,
for the suite to compute the argv Docker would run without asking the
patcher). Standard library only: the test machines have no PyPI.
"""
import gzip
import hashlib
import io
import json
import os
import sys
import tarfile

OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip"
IN_TOTO = "application/vnd.in-toto+json"

ABSENT = object()  # a config key left out, as opposed to written as null

PATH_ENV = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


def cfg(ep=ABSENT, cmd=ABSENT, arch="amd64", os_="linux", variant=None,
        config=True):
    """An image config's inputs: Entrypoint and Cmd, ABSENT or None (null)
    or a list; config=False leaves the whole "config" object out."""
    return {"ep": ep, "cmd": cmd, "arch": arch, "os": os_,
            "variant": variant, "config": config}


# Single-manifest images: name -> (config, push mode). Every argument that
# JSON or a shell could mangle appears in "tricky".
SINGLE = {
    "ep-only": (cfg(ep=["/usr/bin/ep-only", "--serve"]), "oci"),
    "cmd-only": (cfg(cmd=["/bin/sh", "-c", "echo cmd only"]), "oci"),
    "both": (cfg(ep=["/docker-entrypoint.sh"],
                 cmd=["nginx", "-g", "daemon off;"]), "oci"),
    "neither": (cfg(), "oci"),
    "no-config": (cfg(config=False), "oci"),
    "ep-null": (cfg(ep=None, cmd=["/app/run", "--port=80"]), "oci"),
    "tricky": (cfg(ep=["/opt/my app/run", "quote\"d", "back\\slash",
                       "\u00fcn\u00ef\u20acode", "", "$HOME", "tab\tnl\nend"],
                   cmd=["--opt=a b", "'single'", "{\"json\":1}"]), "oci"),
    "oci": (cfg(ep=["/usr/local/bin/oci-entry"], cmd=["oci-cmd", "1"]), "oci"),
    "v2s2": (cfg(ep=["/usr/local/bin/v2s2-entry"], cmd=["v2s2-cmd", "2"]),
             "v2s2"),
    # push.sh changes this config blob in the registry's storage after the
    # push, keeping its length, so the registry serves bytes that do not
    # match the digest the manifest names.
    "tampered": (cfg(ep=["/bin/GOOD"], cmd=["tamper-check"]), "oci"),
}

# Multi-platform images: name -> (entries in index order, push mode). The
# task's platform is deliberately not first, and the index has traps: a
# windows/amd64 entry, linux/arm (not arm64), attestation manifests.
INDEXES = {
    "multi": ([
        ("attest", "amd64"),
        cfg(ep=["C:\\app.exe"], cmd=["windows"], arch="amd64", os_="windows"),
        cfg(ep=["/bin/armv7-app"], cmd=["--armv7"], arch="arm", variant="v7"),
        cfg(ep=["/bin/arm64-app"], cmd=["--arm64", "x"], arch="arm64",
            variant="v8"),
        cfg(ep=["/bin/amd64-app"], cmd=["--amd64"], arch="amd64"),
        ("attest", "arm64"),
    ], "oci-all"),
    "noarm": ([
        cfg(ep=["/bin/amd64-only"], arch="amd64"),
        cfg(ep=["/bin/ppc-only"], arch="ppc64le"),
        ("attest", "amd64"),
    ], "oci-all"),
    # Pushed as a Docker manifest list of schema-2 manifests.
    "list": ([
        cfg(ep=["/bin/list-arm64"], cmd=["arm64-cmd"], arch="arm64",
            variant="v8"),
        cfg(ep=["/bin/list-amd64"], cmd=["amd64-cmd"], arch="amd64"),
    ], "v2s2-all"),
}

TASK_ARCH = {"amd64": "X86_64", "arm64": "ARM64"}


class Layout:
    def __init__(self, root):
        self.root = root
        self.blobs = os.path.join(root, "blobs", "sha256")
        os.makedirs(self.blobs, exist_ok=True)
        with open(os.path.join(root, "oci-layout"), "w") as f:
            json.dump({"imageLayoutVersion": "1.0.0"}, f)
        self.refs = []

    def blob(self, data, media_type):
        digest = hashlib.sha256(data).hexdigest()
        with open(os.path.join(self.blobs, digest), "wb") as f:
            f.write(data)
        return {"mediaType": media_type, "digest": "sha256:" + digest,
                "size": len(data)}

    def tag(self, desc, name):
        d = dict(desc)
        d["annotations"] = {"org.opencontainers.image.ref.name": name}
        self.refs.append(d)

    def finish(self):
        with open(os.path.join(self.root, "index.json"), "w") as f:
            json.dump({"schemaVersion": 2, "mediaType": OCI_INDEX,
                       "manifests": self.refs}, f, indent=1)


def tiny_layer(name):
    """A gzipped tar with one file, built byte-for-byte reproducibly."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.USTAR_FORMAT) as t:
        body = ("falcon-container registry test image %s\n" % name).encode()
        info = tarfile.TarInfo("etc/fctest-image")
        info.size = len(body)
        info.mode = 0o644
        t.addfile(info, io.BytesIO(body))
    tar = raw.getvalue()
    gz = io.BytesIO()
    with gzip.GzipFile(fileobj=gz, mode="wb", mtime=0) as g:
        g.write(tar)
    return tar, gz.getvalue()


def image_manifest(lay, name, c):
    tar, gz = tiny_layer(name)
    layer = lay.blob(gz, OCI_LAYER)
    conf = {"architecture": c["arch"], "os": c["os"]}
    if c["variant"]:
        conf["variant"] = c["variant"]
    if c["config"]:
        inner = {"Env": [PATH_ENV], "Labels": {"fctest.image": name}}
        if c["ep"] is not ABSENT:
            inner["Entrypoint"] = c["ep"]
        if c["cmd"] is not ABSENT:
            inner["Cmd"] = c["cmd"]
        conf["config"] = inner
    conf["rootfs"] = {"type": "layers",
                      "diff_ids": ["sha256:" + hashlib.sha256(tar).hexdigest()]}
    cdesc = lay.blob(json.dumps(conf, indent=1).encode(), OCI_CONFIG)
    man = {"schemaVersion": 2, "mediaType": OCI_MANIFEST, "config": cdesc,
           "layers": [layer]}
    return lay.blob(json.dumps(man, indent=1).encode(), OCI_MANIFEST)


def attestation(lay, name, subject):
    """A BuildKit-style provenance manifest: platform unknown/unknown."""
    stmt = json.dumps({"_type": "https://in-toto.io/Statement/v0.1",
                       "predicateType": "https://slsa.dev/provenance/v0.2",
                       "subject": [{"name": name}], "predicate": {}}).encode()
    layer = lay.blob(stmt, IN_TOTO)
    conf = {"architecture": "unknown", "os": "unknown", "config": {},
            "rootfs": {"type": "layers",
                       "diff_ids": ["sha256:" + hashlib.sha256(stmt).hexdigest()]}}
    cdesc = lay.blob(json.dumps(conf).encode(), OCI_CONFIG)
    man = {"schemaVersion": 2, "mediaType": OCI_MANIFEST, "config": cdesc,
           "layers": [layer]}
    d = lay.blob(json.dumps(man, indent=1).encode(), OCI_MANIFEST)
    d["platform"] = {"architecture": "unknown", "os": "unknown"}
    d["annotations"] = {"vnd.docker.reference.digest": subject,
                        "vnd.docker.reference.type": "attestation-manifest"}
    return d


def expected(c):
    """What Docker reads from this config: None for null or absent."""
    if not c["config"]:
        return {"Entrypoint": None, "Cmd": None}
    return {"Entrypoint": None if c["ep"] is ABSENT else c["ep"],
            "Cmd": None if c["cmd"] is ABSENT else c["cmd"]}


def main():
    out = sys.argv[1]
    lay = Layout(os.path.join(out, "layout"))
    images = {}
    push = []
    for name, (c, mode) in SINGLE.items():
        lay.tag(image_manifest(lay, name, c), name)
        e = expected(c)
        images["fc/%s:1" % name] = {"X86_64": e}
        push.append("%s fc/%s:1 %s" % (name, name, mode))
    for name, (entries, mode) in INDEXES.items():
        descs = []
        by_arch = {}
        per_arch = {}
        for i, c in enumerate(entries):
            if isinstance(c, dict):
                d = image_manifest(lay, "%s-%d" % (name, i), c)
                d["platform"] = {"architecture": c["arch"], "os": c["os"]}
                if c["variant"]:
                    d["platform"]["variant"] = c["variant"]
                descs.append(d)
                if c["os"] == "linux":
                    by_arch[c["arch"]] = d["digest"]
                    if c["arch"] in TASK_ARCH:
                        per_arch[TASK_ARCH[c["arch"]]] = expected(c)
        # Attestations name the manifest they describe, so they come second.
        for i, c in enumerate(entries):
            if not isinstance(c, dict):
                descs.insert(i, attestation(lay, name, by_arch[c[1]]))
        idx = {"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": descs}
        lay.tag(lay.blob(json.dumps(idx, indent=1).encode(), OCI_INDEX), name)
        images["fc/%s:1" % name] = per_arch
        push.append("%s fc/%s:1 %s" % (name, name, mode))
    lay.finish()
    with open(os.path.join(out, "images.json"), "w") as f:
        json.dump(images, f, indent=1, sort_keys=True)
    with open(os.path.join(out, "push.list"), "w") as f:
        f.write("\n".join(push) + "\n")


if __name__ == "__main__":
    main()
