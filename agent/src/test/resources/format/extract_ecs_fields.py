#!/usr/bin/env python3
"""Writes ecs-8.11-fields.txt from a checkout of github.com/elastic/ecs:

  python3 extract_ecs_fields.py <ecs git dir> v8.11.0 > ecs-8.11-fields.txt

reading generated/ecs/ecs_flat.yml at that tag through `git show`. One line per field:
`field <name> <type> [array]` (multi-fields such as `.text` are left out: they are index-side
only); then `allowed <field> <value>...` for the categorisation fields and
`expected <event.category value> <event.type value>...`.
"""
import subprocess
import sys

import yaml

REPO, TAG = sys.argv[1], sys.argv[2]
flat = yaml.safe_load(subprocess.check_output(["git", "-C", REPO, "show", f"{TAG}:generated/ecs/ecs_flat.yml"]))
print(f"# ECS {TAG} field list: github.com/elastic/ecs generated/ecs/ecs_flat.yml (see README.md)")
for name in sorted(flat):
  f = flat[name]
  array = " array" if "array" in (f.get("normalize") or []) else ""
  print(f"field {name} {f['type']}{array}")
for name in ("event.kind", "event.category", "event.type", "event.outcome"):
  print(f"allowed {name} " + " ".join(v["name"] for v in flat[name]["allowed_values"]))
for v in flat["event.category"]["allowed_values"]:
  print(f"expected {v['name']} " + " ".join(v.get("expected_event_types") or []))
