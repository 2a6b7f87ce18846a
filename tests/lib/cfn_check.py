#!/usr/bin/env python3
"""cfn_check.py: checks a patched CloudFormation template, or container
definitions array, against its input and against the plain task-definition
path, independently of the patcher's own re-spelling code.

usage: cfn_check.py PATCHER INPUT OUTPUT ARG...

ARG... are the flags the patcher was run with. For -cfn-template, the output
must equal the input outside the patched resources' Properties (other
resources, Parameters, Outputs, key order, intrinsics in the same form), and
each patched resource's Properties must be what `PATCHER -ecs-spec-file`
makes of the same definition in ECS spelling. For -container-definitions,
the array must be the containerDefinitions that -ecs-spec-file gives for a
task definition holding it. Prints one problem per line; exits 1 if any."""
import json
import subprocess
import sys
import tempfile

import yaml

USER_MAPS = {"DockerLabels", "Options", "DriverOpts", "Labels"}


class Tagged:
    """A short-form intrinsic (!Ref x): kept apart from the long form, so
    that a short form written back as a long one is a difference."""

    def __init__(self, tag, value):
        self.tag, self.value = tag, value

    def __eq__(self, other):
        return isinstance(other, Tagged) and (self.tag, self.value) == (other.tag, other.value)

    def __repr__(self):
        return "%s %r" % (self.tag, self.value)


class Loader(yaml.SafeLoader):
    pass


def _tagged(loader, suffix, node):
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    return Tagged("!" + suffix, value)


Loader.add_multi_constructor("!", _tagged)


def load(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if text.lstrip().startswith("{"):
        return json.loads(text)
    return yaml.load(text, Loader=Loader)


def is_intrinsic(v):
    if isinstance(v, Tagged):
        return True
    return (isinstance(v, dict) and len(v) == 1 and
            (next(iter(v)) == "Ref" or next(iter(v)).startswith("Fn::")))


class Opaque:
    def __init__(self):
        self.values = []

    def token(self, v, whole=False):
        self.values.append((v, whole))
        return "@@opaque-%d@@" % (len(self.values) - 1)

    def lookup(self, s):
        if isinstance(s, str) and s.startswith("@@opaque-") and s.endswith("@@"):
            return self.values[int(s[9:-2])]
        return None


def to_ecs(v, op, user=False, container=False, top=False):
    if is_intrinsic(v):
        return op.token(v)
    if isinstance(v, list):
        return [to_ecs(x, op, user) for x in v]
    if not isinstance(v, dict):
        return v
    out = {}
    for k, x in v.items():
        nk = k if user else k[:1].lower() + k[1:]
        if container and k in ("EntryPoint", "Command") and is_intrinsic(x):
            out[nk] = [op.token(x, whole=True)]
        elif top and k == "ContainerDefinitions" and isinstance(x, list):
            out[nk] = [to_ecs(c, op, container=True) for c in x]
        else:
            out[nk] = to_ecs(x, op, user or k in USER_MAPS)
    return out


def from_ecs(v, op, user=False):
    if isinstance(v, str):
        hit = op.lookup(v)
        return hit[0] if hit else v
    if isinstance(v, list):
        if len(v) == 1 and op.lookup(v[0]) and op.lookup(v[0])[1]:
            return op.lookup(v[0])[0]
        return [from_ecs(x, op, user) for x in v]
    if not isinstance(v, dict):
        return v
    out = {}
    for k, x in v.items():
        nk = k if user else k[:1].upper() + k[1:]
        out[nk] = from_ecs(x, op, user or nk in USER_MAPS or k in USER_MAPS)
    return out


def plain_patch(patcher, args, taskdef):
    """The -ecs-spec-file path on taskdef, with the same flags."""
    flags, skip = [], False
    for i, a in enumerate(args):
        if skip:
            skip = False
            continue
        if a.lstrip("-") in ("cfn-template", "container-definitions", "resource", "o"):
            skip = True
            continue
        flags.append(a)
    with tempfile.NamedTemporaryFile("w", suffix=".json") as f:
        json.dump(taskdef, f)
        f.flush()
        r = subprocess.run([patcher] + flags + ["-ecs-spec-file", f.name],
                           capture_output=True, text=True, check=False)
    if r.returncode != 0:
        return None, r.stderr.strip()
    return json.loads(r.stdout), None


def ordered_equal(a, b):
    """Equal, and dictionaries in the same key order."""
    if isinstance(a, dict) and isinstance(b, dict):
        return list(a) == list(b) and all(ordered_equal(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(ordered_equal(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b


def check_template(patcher, args, inp, out, problems):
    chosen = [args[i + 1] for i, a in enumerate(args[:-1]) if a.lstrip("-") == "resource"]
    res_in, res_out = inp.get("Resources", {}), out.get("Resources", {})
    patched = [k for k, r in res_in.items()
               if isinstance(r, dict) and r.get("Type") == "AWS::ECS::TaskDefinition"
               and (not chosen or k in chosen)]
    # Outside the patched Properties: everything as it was, in order.
    outside_in = {k: v for k, v in inp.items()}
    outside_out = {k: v for k, v in out.items()}
    outside_in["Resources"] = {k: ({**r, "Properties": None} if k in patched else r)
                               for k, r in res_in.items()}
    outside_out["Resources"] = {k: ({**r, "Properties": None} if k in patched else r)
                                for k, r in res_out.items()}
    if not ordered_equal(outside_in, outside_out):
        problems.append("the template differs outside the patched Properties")
    for k in patched:
        op = Opaque()
        ecs = to_ecs(res_in[k]["Properties"], op, top=True)
        want, err = plain_patch(patcher, args, ecs)
        if want is None:
            problems.append("%s: the plain path refused it: %s" % (k, err))
            continue
        want = from_ecs(want, op)
        if not ordered_equal(want, res_out[k]["Properties"]):
            problems.append("%s: Properties differ from the plain path's patch:\n"
                            "  plain:    %r\n  template: %r" % (k, want, res_out[k]["Properties"]))


def check_array(patcher, args, inp, out, problems):
    want, err = plain_patch(patcher, args, {"family": "check", "containerDefinitions": inp})
    if want is None:
        problems.append("the plain path refused it: %s" % err)
    elif not ordered_equal(want["containerDefinitions"], out):
        problems.append("the array differs from the plain path's containerDefinitions")


def main():
    patcher, inp_path, out_path, args = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    problems = []
    try:
        inp, out = load(inp_path), load(out_path)
    except (ValueError, yaml.YAMLError) as exc:
        print("cannot read: %s" % exc)
        return 1
    if any(a.lstrip("-") == "container-definitions" for a in args):
        check_array(patcher, args, inp, out, problems)
    else:
        check_template(patcher, args, inp, out, problems)
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
