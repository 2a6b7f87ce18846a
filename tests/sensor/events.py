#!/usr/bin/env python3
"""events.py: reading the sensor's event lines for tests/suite-sensor.sh.

  events.py validate FILE [SCHEMA_DIR]
      Every line is UTF-8 JSON; every event has the OCSF fields its class
      requires, type_uid = class_uid * 100 + activity_id, and (with the
      schema) only attribute names the schema defines for that class and
      its objects (`unmapped` is free-form). Prints problems, exits 1.
  events.py table FILE
      One tab-separated line per event, for grep and awk:
      seq class activity pid tid ppid exe argc exit signal argv-as-JSON
  events.py query FILE PYTHON-EXPR
      Evaluates EXPR over the events and prints its value, "yes" or "no"
      for a truth value. EXPR sees: ev (every event), launches, terms,
      fs (File System Activity), net (Network Activity); path(e), un(e),
      actor(e) (the actor's pid), pid(e); os, E (os.environ), and PID and D
      from the environment.
"""
import json
import os
import sys


def load(path):
    events = []
    with open(path, "rb") as f:
        for n, raw in enumerate(f, 1):
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as e:
                raise SystemExit(f"line {n}: not UTF-8: {e}")
            try:
                events.append(json.loads(text))
            except ValueError as e:
                raise SystemExit(f"line {n}: not JSON: {e}: {text[:200]}")
    return events


class Schema:
    """Attribute names per class and object, with extends and $include."""

    def __init__(self, root):
        self.root = root
        self.dictionary = self._json("dictionary.json")["attributes"]
        self.classes = {}
        for dirpath, _, files in os.walk(os.path.join(root, "events")):
            for f in files:
                d = self._json(os.path.relpath(os.path.join(dirpath, f), root))
                if "uid" in d:
                    cat = self._category(dirpath)
                    self.classes[cat * 1000 + d["uid"]] = os.path.relpath(
                        os.path.join(dirpath, f), root)

    def _json(self, rel):
        with open(os.path.join(self.root, rel)) as f:
            return json.load(f)

    def _category(self, dirpath):
        cats = self._json("categories.json")["attributes"]
        return cats[os.path.basename(dirpath)]["uid"]

    def _attrs(self, rel, kind):
        d = self._json(rel)
        attrs = {}
        if d.get("extends"):
            base = d["extends"]
            parent = (f"objects/{base}.json" if kind == "object"
                      else self._find_event(base))
            if parent:
                attrs.update(self._attrs(parent, kind))
        for k, v in d.get("attributes", {}).items():
            if k == "$include":
                for inc in (v if isinstance(v, list) else [v]):
                    inc_attrs = self._json(inc)["attributes"]
                    if inc.startswith("profiles/"):
                        # A profile is opt-in: its "required" binds only
                        # events that declare the profile.
                        inc_attrs = {a: {**(av or {}), "requirement": "optional"}
                                     for a, av in inc_attrs.items()}
                    attrs.update(inc_attrs)
            else:
                attrs[k] = {**attrs.get(k, {}), **(v or {})}
        return attrs

    def _find_event(self, name):
        for dirpath, _, files in os.walk(os.path.join(self.root, "events")):
            if name + ".json" in files:
                return os.path.relpath(os.path.join(dirpath, name + ".json"), self.root)
        return None

    def class_attrs(self, class_uid):
        rel = self.classes.get(class_uid)
        return self._attrs(rel, "event") if rel else None

    def object_attrs(self, type_name):
        rel = f"objects/{type_name}.json"
        if not os.path.exists(os.path.join(self.root, rel)):
            return None
        return self._attrs(rel, "object")

    def type_of(self, key, local):
        t = (local or {}).get("type") or self.dictionary.get(key, {}).get("type")
        return t


def check_object(schema, obj, attrs, where, problems):
    for k, v in obj.items():
        if k not in attrs:
            problems.append(f"{where}.{k}: not an attribute here")
            continue
        if k == "unmapped":
            continue
        t = schema.type_of(k, attrs[k])
        sub = schema.object_attrs(t) if t and not t.endswith("_t") and t != "object" else None
        items = v if isinstance(v, list) else [v]
        for item in items:
            if isinstance(item, dict) and sub is not None:
                check_object(schema, item, sub, f"{where}.{k}", problems)
                for rk, rv in sub.items():
                    if (rv or {}).get("requirement") == "required" and rk not in item:
                        problems.append(f"{where}.{k}: required {rk} missing")


REQUIRED = ["time", "class_uid", "category_uid", "activity_id", "type_uid",
            "severity_id", "metadata"]


def validate(path, schema_dir):
    events = load(path)
    problems = []
    schema = Schema(schema_dir) if schema_dir and os.path.isdir(schema_dir) else None
    for n, e in enumerate(events, 1):
        for k in REQUIRED:
            if k not in e:
                problems.append(f"event {n}: no {k}")
        if e.get("type_uid") != e.get("class_uid", 0) * 100 + e.get("activity_id", 0):
            problems.append(f"event {n}: type_uid {e.get('type_uid')} is not class*100+activity")
        md = e.get("metadata", {})
        if not md.get("product") or not md.get("version"):
            problems.append(f"event {n}: metadata without product or version")
        if schema:
            attrs = schema.class_attrs(e.get("class_uid"))
            if attrs is None:
                problems.append(f"event {n}: class {e.get('class_uid')} is not in the schema")
                continue
            for k, v in attrs.items():
                if (v or {}).get("requirement") == "required" and k not in e:
                    problems.append(f"event {n}: required {k} missing")
            check_object(schema, e, attrs, f"event {n}", problems)
    for p in problems[:30]:
        print(p)
    if not events:
        print("no events")
        return 1
    return 1 if problems else 0


def table(path):
    for e in load(path):
        p = e.get("process", {})
        u = e.get("unmapped", {})
        row = [e.get("metadata", {}).get("sequence"), e.get("class_uid"),
               e.get("activity_name"), p.get("pid", ""), p.get("tid", p.get("pid", "")),
               p.get("parent_process", {}).get("pid", ""),
               p.get("file", {}).get("path", ""), u.get("argc", ""),
               e.get("exit_code", ""), u.get("signal_name", ""),
               json.dumps(u.get("argv"), ensure_ascii=False) if "argv" in u else ""]
        print("\t".join("" if x is None else str(x) for x in row))
    return 0


def query(path, expr):
    ev = load(path)
    names = {
        "ev": ev,
        "launches": [e for e in ev if e.get("class_uid") == 1007 and e["activity_id"] == 1],
        "terms": [e for e in ev if e.get("class_uid") == 1007 and e["activity_id"] == 2],
        "fs": [e for e in ev if e.get("class_uid") == 1001],
        "net": [e for e in ev if e.get("class_uid") == 4001],
        "path": lambda e: e.get("file", {}).get("path"),
        "un": lambda e: e.get("unmapped", {}),
        "actor": lambda e: e.get("actor", {}).get("process", {}).get("pid"),
        "pid": lambda e: e.get("process", {}).get("pid"),
        "os": os,
        "E": os.environ,
        "PID": int(os.environ.get("PID") or 0),
        "D": os.environ.get("D", ""),
    }
    r = eval(expr, names)  # the test suites' own expressions
    print(r if not isinstance(r, bool) else ("yes" if r else "no"))
    return 0


def main(argv):
    if len(argv) >= 3 and argv[1] == "validate":
        return validate(argv[2], argv[3] if len(argv) > 3 else None)
    if len(argv) == 3 and argv[1] == "table":
        return table(argv[2])
    if len(argv) == 4 and argv[1] == "query":
        return query(argv[2], argv[3])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
