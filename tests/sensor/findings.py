#!/usr/bin/env python3
"""findings.py: the sensor's Detection Findings (OCSF 2004) for tests/suite-rules.sh.

  findings.py FILE [RULE_ID]
      One tab-separated line per Finding of RULE_ID (every rule without it):
      rule pid action_id applied event
      (pid: the first evidence's process, else its actor's process; applied
      as true/false; event: unmapped.event).
  findings.py count FILE RULE_ID
      How many Findings of RULE_ID.
  findings.py rules FILE
      The ids of the rules that fired, sorted, one a line.
  findings.py evidence FILE RULE_ID KEY.PATH
      For each Finding of RULE_ID, the value at KEY.PATH in its first
      evidence (e.g. file.path, dst_endpoint.port), JSON for non-strings.
  findings.py check RULES[,RULES...] FILE...
      Every Finding agrees with the rules files (a later file's rule
      replaces an earlier one of the same id): analytic uid/name/type, the
      title, severity_id, rule_action, the MITRE technique; type_uid 200401;
      applied true, action_id 2 (Denied) and disposition_id 2 (Blocked)
      exactly when the mode is prevent and the action deny or kill, else
      action_id 3 (Observed) and disposition_id 15 (Detected); a non-empty
      evidences list. Prints problems, exits 1. A Finding of an integrity
      policy (id integrity-*, sensor-shim/filter/policy.c) is in no rules file: it
      is a deny applied in either mode, with a title, a technique and
      unmapped.syscall.
  findings.py dupkeys FILE
      Objects with a key twice (json.loads keeps the last one silently):
      prints "line N: PATH: KEY", exits 1.
"""
import json
import sys

SEVERITY = {"informational": 1, "low": 2, "medium": 3, "high": 4, "critical": 5}


def load(path):
    events = []
    with open(path, "rb") as f:
        for n, raw in enumerate(f, 1):
            try:
                events.append(json.loads(raw))
            except ValueError as e:
                raise SystemExit(f"{path}: line {n}: not JSON: {e}")
    return events


def findings(path, rule=None):
    return [e for e in load(path)
            if e.get("class_uid") == 2004 and
            (rule is None or rule_of(e) == rule)]


def rule_of(e):
    return e.get("finding_info", {}).get("analytic", {}).get("uid")


def evidence(e):
    ev = e.get("evidences") or [{}]
    return ev[0] if isinstance(ev[0], dict) else {}


def pid_of(e):
    ev = evidence(e)
    for obj in (ev.get("process"), (ev.get("actor") or {}).get("process")):
        if isinstance(obj, dict) and "pid" in obj:
            return obj["pid"]
    return ""


def dig(obj, dotted):
    for k in dotted.split("."):
        if not isinstance(obj, dict) or k not in obj:
            return None
        obj = obj[k]
    return obj


def text(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if v is None:
        return ""
    return v if isinstance(v, str) else json.dumps(v)


def table(path, rule=None):
    for e in findings(path, rule):
        u = e.get("unmapped", {})
        print("\t".join(text(x) for x in (rule_of(e), pid_of(e), e.get("action_id"),
                                          u.get("applied"), u.get("event"))))
    return 0


def check(rules_files, paths):
    rules = {}
    for rf in rules_files.split(","):
        with open(rf) as f:
            for r in json.load(f).get("rules", []):
                rules[r["id"]] = r
    problems = []
    for path in paths:
        for n, e in enumerate(findings(path), 1):
            where = f"{path}: finding {n}"
            rid = rule_of(e)
            r = rules.get(rid)
            if r is None and isinstance(rid, str) and rid.startswith("integrity-"):
                problems += check_policy(where, rid, e)
                continue
            if r is None:
                problems.append(f"{where}: analytic.uid {rid!r} is no rule")
                continue
            fi = e.get("finding_info", {})
            an = fi.get("analytic", {})
            u = e.get("unmapped", {})
            want = {
                "activity_id": (e.get("activity_id"), 1),
                "type_uid": (e.get("type_uid"), 200401),
                "finding_info.title": (fi.get("title"), r["title"]),
                "analytic.name": (an.get("name"), r["title"]),
                "analytic.type_id": (an.get("type_id"), 1),
                "analytic.type": (an.get("type"), "Rule"),
                "severity_id": (e.get("severity_id"), SEVERITY.get(r["severity"])),
                "unmapped.rule_action": (u.get("rule_action"), r["action"]),
            }
            for k, (got, exp) in want.items():
                if got != exp:
                    problems.append(f"{where} ({rid}): {k} is {got!r}, not {exp!r}")
            mode = u.get("mode")
            if mode not in ("detect", "prevent"):
                problems.append(f"{where} ({rid}): unmapped.mode {mode!r}")
            applied = mode == "prevent" and r["action"] in ("deny", "kill")
            if u.get("applied") is not applied:
                problems.append(f"{where} ({rid}): applied {u.get('applied')!r} in mode {mode}")
            # RULES.md: Denied (2) / Blocked (2) when applied, else
            # Observed (3) / Detected (15).
            if e.get("action_id") != (2 if applied else 3):
                problems.append(f"{where} ({rid}): action_id {e.get('action_id')!r} in mode {mode}")
            if e.get("disposition_id") != (2 if applied else 15):
                problems.append(f"{where} ({rid}): disposition_id {e.get('disposition_id')!r} in mode {mode}")
            attacks = fi.get("attacks") or [{}]
            technique = (attacks[0].get("technique") or {}).get("uid")
            if technique != r.get("mitre"):
                problems.append(f"{where} ({rid}): attacks[0].technique.uid {technique!r}, not {r.get('mitre')!r}")
            if not fi.get("uid"):
                problems.append(f"{where} ({rid}): no finding_info.uid")
            if not e.get("evidences") or not isinstance(e["evidences"], list):
                problems.append(f"{where} ({rid}): no evidences")
            if not u.get("event"):
                problems.append(f"{where} ({rid}): no unmapped.event")
    for p in problems[:40]:
        print(p)
    return 1 if problems else 0


def check_policy(where, rid, e):
    fi = e.get("finding_info", {})
    u = e.get("unmapped", {})
    attacks = fi.get("attacks") or [{}]
    want = {
        "type_uid": (e.get("type_uid"), 200401),
        "unmapped.rule_action": (u.get("rule_action"), "deny"),
        "unmapped.applied": (u.get("applied"), True),
        "action_id": (e.get("action_id"), 2),
        "disposition_id": (e.get("disposition_id"), 2),
        "analytic.name": (fi.get("analytic", {}).get("name"), fi.get("title")),
    }
    out = [f"{where} ({rid}): {k} is {got!r}, not {exp!r}"
           for k, (got, exp) in want.items() if got != exp]
    if not fi.get("title") or not (attacks[0].get("technique") or {}).get("uid"):
        out.append(f"{where} ({rid}): no title or no technique")
    if not u.get("syscall") or not e.get("evidences"):
        out.append(f"{where} ({rid}): no unmapped.syscall or no evidences")
    return out


def dupkeys(path):
    found = []

    def pairs(kv):
        seen = set()
        for k, _ in kv:
            if k in seen:
                found.append(k)
            seen.add(k)
        return dict(kv)

    problems = []
    with open(path, "rb") as f:
        for n, raw in enumerate(f, 1):
            found.clear()
            json.loads(raw, object_pairs_hook=pairs)
            problems += [f"line {n}: key {k!r} twice in an object" for k in found]
    for p in problems[:40]:
        print(p)
    return 1 if problems else 0


def main(argv):
    if len(argv) in (2, 3) and argv[1] not in ("count", "rules", "evidence", "check", "dupkeys"):
        return table(argv[1], argv[2] if len(argv) == 3 else None)
    if len(argv) == 4 and argv[1] == "count":
        print(len(findings(argv[2], argv[3])))
        return 0
    if len(argv) == 3 and argv[1] == "rules":
        for r in sorted({rule_of(e) for e in findings(argv[2])}, key=str):
            print(r)
        return 0
    if len(argv) == 5 and argv[1] == "evidence":
        for e in findings(argv[2], argv[3]):
            print(text(dig(evidence(e), argv[4])))
        return 0
    if len(argv) == 3 and argv[1] == "dupkeys":
        return dupkeys(argv[2])
    if len(argv) >= 4 and argv[1] == "check":
        return check(argv[2], argv[3:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
