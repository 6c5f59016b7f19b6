#!/usr/bin/env python3
"""Writes the ATT&CK table the mappers use (technique → name and tactics) for the techniques the
bundled rules tag, read from a checkout of github.com/mitre/cti:

  python3 extract_attack_table.py <cti git dir> <rev> <rules dir> > attack-techniques.tsv

Each `mitre.T…` tag of the rule files is listed, and for a sub-technique its parent too. Lines:
`<technique id> TAB <name> TAB <tactic id>:<tactic name>,...` (a sub-technique's tactics are its own).
"""
import json
import re
import subprocess
import sys
from pathlib import Path

REPO, REV, RULES = sys.argv[1], sys.argv[2], sys.argv[3]
want = set()
for f in Path(RULES).glob("*.yaml"):
  for t in re.findall(r"mitre\.(T\d{4}(?:\.\d{3})?)", f.read_text()):
    want.add(t)
    want.add(t.split(".")[0])
files = subprocess.check_output(["git", "-C", REPO, "ls-tree", "--name-only", REV, "enterprise-attack/attack-pattern/",
                                 "enterprise-attack/x-mitre-tactic/"], text=True).split()
tactics, techniques = {}, {}
for f in files:
  if not f.endswith(".json"):
    continue
  for o in json.loads(subprocess.check_output(["git", "-C", REPO, "show", f"{REV}:{f}"]))["objects"]:
    ids = [r["external_id"] for r in o.get("external_references", [])
           if r.get("source_name") == "mitre-attack" and "external_id" in r]
    if o["type"] == "x-mitre-tactic":
      tactics[o["x_mitre_shortname"]] = f"{ids[0]}:{o['name']}"
    elif o["type"] == "attack-pattern" and ids and ids[0] in want and not o.get("revoked") \
        and not o.get("x_mitre_deprecated"):
      techniques[ids[0]] = (o["name"], [p["phase_name"] for p in o["kill_chain_phases"]
                                        if p["kill_chain_name"] == "mitre-attack"])
missing = want - set(techniques)
if missing:
  sys.exit(f"not in ATT&CK at {REV}: {sorted(missing)}")
for t in sorted(techniques):
  name, phases = techniques[t]
  print(f"{t}\t{name}\t" + ",".join(tactics[p] for p in phases))
