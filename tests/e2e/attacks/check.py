#!/usr/bin/env python3
"""check.py: what tests/suite-attacks.sh asserts about one task run, as TAP
lines ("ok - ..." / "not ok - ...", diagnostics on "#" lines). Exits 1 when
a check failed.

  check.py events LABEL STDERR OUT
      The sensor's events are the lines of the container's stderr that are
      JSON objects with a class_uid; they go to OUT. Every line that starts
      with "{" must be one (a torn or interleaved line is a failure).
  check.py findings LABEL MODE EXPECT RULES EVENTS
      Each attack's Findings (those after its `attack-begin` Launch) are
      exactly the rules EXPECT names for MODE; none come before the first
      attack or after the last; each Finding says MODE, its rule's action
      (RULES: the built-in rules file), and applied exactly when MODE is
      prevent and the action deny or kill.
  check.py outcomes LABEL MODE EXPECT UNPATCHED-STDOUT STDOUT
      What each attack saw (its "attack NAME rc=N" and "attack NAME | ..."
      lines): in detect mode the same as without the sensor; in prevent
      mode what EXPECT's PREVENT column says.
  check.py meta LABEL EVENTS
      Every event names the ECS task that tests/sensor/metadata_server.py
      describes: cloud.region, zone, account.uid; device.container.name,
      uid, image.name and uid, orchestrator "Amazon ECS"; unmapped.ecs
      task_arn, cluster, family, revision.
  check.py benign LABEL EVENTS
      The sensor ran (its Start, and a Launch of the application) and no
      rule reported anything.
"""
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "sensor"))
from findings import dig, rule_of  # noqa: E402 (after the path is set)

failed = False


def ok(desc):
    print(f"ok - {desc}")


def not_ok(desc, *diags):
    global failed
    failed = True
    print(f"not ok - {desc}")
    for d in diags:
        for line in str(d).splitlines() or [""]:
            print(f"#   {line[:400]}")


def load_events(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def load_expect(path):
    """[(attack, prevent, {rule: modes})], modes a set of detect/prevent."""
    rows = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            words = line.split("#", 1)[0].split()
            if not words:
                continue
            if len(words) < 3 or words[1] not in ("denied", "killed", "same"):
                raise SystemExit(f"{path}: line {n}: expected ATTACK PREVENT RULE...")
            rules = {}
            for w in words[2:]:
                rule, _, only = w.partition("@")
                rules[rule] = {only} if only else {"detect", "prevent"}
            rows.append((words[0], words[1], rules))
    return rows


def brief(e):
    """One line about a Finding, for diagnostics."""
    ev = (e.get("evidences") or [{}])[0]
    proc = ev.get("process") or {}
    what = (dig(ev, "file.path") or dig(ev, "dst_endpoint.ip") or
            proc.get("cmd_line") or "")
    u = e.get("unmapped") or {}
    return (f"{rule_of(e)} mode={u.get('mode')} applied={u.get('applied')} "
            f"event={u.get('event')} pid={proc.get('pid')} {what}")


# ---------------------------------------------------------------- events

class DuplicateKey(ValueError):
    pass


def no_duplicates(pairs):
    seen = {}
    for k, v in pairs:
        if k in seen:
            raise DuplicateKey(f"key {k!r} twice in one object "
                               f"({json.dumps(seen[k])} and {json.dumps(v)})")
        seen[k] = v
    return seen


def cmd_events(label, stderr_path, out_path):
    events, bad, dups, other = [], [], [], 0
    with open(stderr_path, "rb") as f:
        for n, raw in enumerate(f, 1):
            text = raw.decode("utf-8", "replace").rstrip("\n")
            if not text.startswith("{"):
                other += 1
                continue
            try:
                e = json.loads(text)
            except ValueError as err:
                bad.append(f"line {n}: {err}: {text[:200]}")
                continue
            try:
                json.loads(text, object_pairs_hook=no_duplicates)
            except DuplicateKey as err:
                dups.append(f"line {n}: {err}: {text[:120]}...")
            if isinstance(e, dict) and "class_uid" in e:
                events.append(text)
            else:
                bad.append(f"line {n}: JSON without a class_uid: {text[:200]}")
    with open(out_path, "w", encoding="utf-8") as f:
        f.writelines(t + "\n" for t in events)
    if bad or not events:
        not_ok(f"{label}: the container log holds the sensor's events, each a whole JSON line",
               f"{len(events)} events; {len(bad)} lines start with '{{' and are not events:",
               *bad[:10])
    else:
        ok(f"{label}: the container log holds {len(events)} events, each a whole JSON "
           f"line ({other} other lines)")
    desc = f"{label}: no event has a key twice in one object"
    if dups:
        not_ok(desc, f"{len(dups)} events do:", *dups[:5])
    else:
        ok(desc)


# ---------------------------------------------------------------- findings

def windows(events):
    """{attack: [Finding...]} in sequence order, plus the attack order."""
    evs = sorted(events, key=lambda e: dig(e, "metadata.sequence") or 0)
    where = "(before the first attack)"
    found, order = {}, []
    for e in evs:
        if e.get("class_uid") == 1007 and e.get("activity_id") == 1:
            argv = dig(e, "unmapped.argv") or []
            if len(argv) >= 3 and argv[1] == "attack-begin":
                where = argv[2]
                order.append(where)
                continue
            if argv[1:2] == ["attack-end"]:
                where = "(after the last attack)"
                continue
        if e.get("class_uid") == 2004:
            found.setdefault(where, []).append(e)
    return found, order


def cmd_findings(label, mode, expect_path, rules_path, events_path):
    expect = load_expect(expect_path)
    with open(rules_path, encoding="utf-8") as f:
        actions = {r["id"]: r["action"] for r in json.load(f)["rules"]}
    events = load_events(events_path)
    found, order = windows(events)
    names = [a for a, _, _ in expect]
    if order != names:
        not_ok(f"{label}: the sensor saw every attack begin, in order",
               f"want {' '.join(names)}", f"got  {' '.join(order)}")
    for attack, _, rules in expect:
        want = {r for r, modes in rules.items() if mode in modes}
        got = found.get(attack, [])
        got_rules = {rule_of(e) for e in got}
        desc = f"{label}: {attack}: Findings of exactly {', '.join(sorted(want))}"
        if got_rules == want:
            ok(desc)
        else:
            not_ok(desc, f"missing: {' '.join(sorted(want - got_rules)) or '-'}",
                   f"unexpected: {' '.join(sorted(got_rules - want, key=str)) or '-'}",
                   *[brief(e) for e in got[:10]])
    stray = [e for w, es in found.items() if w not in names for e in es]
    if stray:
        not_ok(f"{label}: no Finding before the first attack or after the last",
               *[brief(e) for e in stray[:10]])
    else:
        ok(f"{label}: no Finding before the first attack or after the last")
    problems = []
    for e in (e for es in found.values() for e in es):
        rid = rule_of(e)
        u = e.get("unmapped") or {}
        if rid not in actions:
            problems.append(f"{rid!r} is no built-in rule")
            continue
        applied = mode == "prevent" and actions[rid] in ("deny", "kill")
        if u.get("mode") != mode or u.get("rule_action") != actions[rid] or \
                u.get("applied") is not applied:
            problems.append(f"{brief(e)} rule_action={u.get('rule_action')}: want "
                            f"mode={mode} rule_action={actions[rid]} applied={applied}")
    n = sum(len(es) for es in found.values())
    desc = (f"{label}: each of the {n} Findings says mode {mode}, its rule's action, "
            f"and applied={'true for deny and kill rules' if mode == 'prevent' else 'false'}")
    if problems or not n:
        not_ok(desc, *problems[:10])
    else:
        ok(desc)


# ---------------------------------------------------------------- outcomes

def answers(path):
    """{attack: (rc, [lines it printed])}"""
    res = {}
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            m = re.match(r"attack (\S+) rc=(\d+)$", line.rstrip("\n"))
            if m:
                res.setdefault(m.group(1), [None, []])[0] = int(m.group(2))
                continue
            m = re.match(r"attack (\S+) \| (.*)$", line.rstrip("\n"))
            if m:
                res.setdefault(m.group(1), [None, []])[1].append(m.group(2))
    return res


def cmd_outcomes(label, mode, expect_path, unpatched_path, path):
    expect = load_expect(expect_path)
    base, got = answers(unpatched_path), answers(path)
    if mode == "detect":
        diff = [f"{a}: without the sensor rc={base.get(a, [None])[0]}, "
                f"with it rc={got.get(a, [None])[0]} {got.get(a, [0, []])[1][:2]}"
                for a, _, _ in expect
                if a not in base or a not in got or base[a][0] != got[a][0]]
        desc = f"{label}: all {len(expect)} attacks answer exactly as without the sensor"
        if diff:
            not_ok(desc, *diff)
        else:
            ok(desc)
        return
    for attack, want, _ in expect:
        b = base.get(attack, [None, []])
        rc, said = got.get(attack, [None, []])
        said_text = " / ".join(said[:3])
        eperm = any("Operation not permitted" in s for s in said)
        if want == "denied":
            good = rc not in (None, 0) and eperm
            desc = f"{label}: {attack}: the attack fails with EPERM"
        elif want == "killed":
            good = rc == 137
            desc = f"{label}: {attack}: the attack is killed (exit 137)"
        else:
            good = rc is not None and rc == b[0]
            desc = f"{label}: {attack}: the attack answers as without the sensor"
        if good:
            ok(f"{desc} (rc={rc}{': ' + said_text if said_text else ''})")
        else:
            not_ok(desc, f"rc={rc}, without the sensor rc={b[0]}", *said[:5])


# ---------------------------------------------------------------- task

def cmd_meta(label, events_path):
    import metadata_server as fx  # the fixture's own values
    region, account = fx.TASK_ARN.split(":")[3:5]
    want = {
        "cloud.region": region,
        "cloud.zone": fx.TASK["AvailabilityZone"],
        "cloud.account.uid": account,
        "device.container.name": fx.APP["Name"],
        "device.container.uid": fx.APP["DockerId"],
        "device.container.image.name": fx.APP["Image"],
        "device.container.orchestrator": "Amazon ECS",
        "device.container.image.uid": fx.APP["ImageID"],
        "unmapped.ecs.task_arn": fx.TASK_ARN,
        "unmapped.ecs.cluster": fx.TASK["Cluster"],
        "unmapped.ecs.family": fx.TASK["Family"],
        "unmapped.ecs.revision": str(fx.TASK["Revision"]),
    }
    events = load_events(events_path)
    problems = []
    for e in events:
        for k, v in want.items():
            if dig(e, k) != v:
                problems.append(f"sequence {dig(e, 'metadata.sequence')} "
                                f"({e.get('class_name')}): {k} is {dig(e, k)!r}, not {v!r}")
    desc = f"{label}: every event names the ECS task ({region}, {want['cloud.zone']}, " \
           f"account {account}, container {want['device.container.name']}, " \
           f"family {want['unmapped.ecs.family']}:{want['unmapped.ecs.revision']})"
    if problems or not events:
        not_ok(desc, f"{len(problems)} problems in {len(events)} events", *problems[:10])
    else:
        ok(desc)


def cmd_benign(label, events_path):
    events = load_events(events_path)
    started = any(e.get("class_uid") == 6002 and e.get("activity_name") == "Start"
                  for e in events)
    launches = [e for e in events if e.get("class_uid") == 1007 and e.get("activity_id") == 1]
    findings = [e for e in events if e.get("class_uid") == 2004]
    desc = f"{label}: the sensor ran (Start, {len(launches)} Launches) and no rule fired"
    if started and launches and not findings:
        ok(desc)
    else:
        not_ok(desc, f"start={started} launches={len(launches)} findings={len(findings)}",
               *[brief(e) for e in findings[:10]])


def main(argv):
    cmds = {"events": (cmd_events, 3), "findings": (cmd_findings, 5),
            "outcomes": (cmd_outcomes, 5), "meta": (cmd_meta, 2),
            "benign": (cmd_benign, 2)}
    if len(argv) < 2 or argv[1] not in cmds or len(argv) - 2 != cmds[argv[1]][1]:
        print(__doc__, file=sys.stderr)
        return 2
    cmds[argv[1]][0](*argv[2:])
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
