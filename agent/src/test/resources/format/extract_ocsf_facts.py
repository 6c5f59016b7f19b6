#!/usr/bin/env python3
"""Writes ocsf-1.4.0-facts.json: the resolved attributes of the OCSF classes and objects the
mappers use, read from a checkout of github.com/ocsf/ocsf-schema.

  git -C <ocsf-schema> show 1.4.0:...  (read through `git show`, no work tree needed)
  python3 extract_ocsf_facts.py <ocsf-schema git dir> 1.4.0 > ocsf-1.4.0-facts.json

Resolution follows the schema's own rules: a class or object takes its parent's attributes
(`extends`), then those of the files it `$include`s (attributes that come from a profile file are
marked with that profile), then its own, deeper definitions merged over shallower ones; name,
type, array-ness, enum and sibling come from dictionary.json unless the class or object
overrides them.
"""
import json
import subprocess
import sys

REPO, TAG = sys.argv[1], sys.argv[2]
CLASSES = ["events/findings/detection_finding.json", "events/application/application_lifecycle.json"]
# The objects the mappers emit (the test fails on any other object type, naming it).
OBJECTS = ["metadata", "product", "finding_info", "analytic", "attack", "technique", "sub_technique",
           "tactic", "device", "os", "evidences", "container", "image", "process", "process_entity",
           "file", "user", "resource_details", "observable", "key_value_object", "fingerprint",
           "object"]


def show(path):
  return json.loads(subprocess.check_output(["git", "-C", REPO, "show", f"{TAG}:{path}"]))


def merge(base, over):
  out = dict(base)
  for k, v in over.items():
    out[k] = merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
  return out


def own_attributes(doc):
  attrs = {}
  for inc in doc.get("attributes", {}).get("$include", []):
    included = show(inc)
    profile = included.get("name") if included.get("meta") == "profile" else None
    for name, a in included.get("attributes", {}).items():
      a = dict(a)
      if profile and "profile" not in a:
        a["profile"] = profile
      attrs[name] = merge(attrs.get(name, {}), a)
  for name, a in doc.get("attributes", {}).items():
    if name != "$include":
      attrs[name] = merge(attrs.get(name, {}), a)
  return attrs


def resolve(path, find):
  doc = show(path)
  attrs = {}
  if doc.get("extends"):
    parent = find(doc["extends"])
    attrs, _ = resolve(parent, find)
  for name, a in own_attributes(doc).items():
    attrs[name] = merge(attrs.get(name, {}), a)
  return attrs, doc


dictionary = show("dictionary.json")
types = dictionary["types"]["attributes"]


def base_type(t):
  while t in types and "type" in types[t]:
    t = types[t]["type"]
  return t


def facts(attrs):
  out = {}
  for name, a in sorted(attrs.items()):
    d = merge(dictionary["attributes"].get(name, {}), a)
    if d.get("profile") and "profile" in a and a["profile"] is None:
      d["profile"] = None
    t = d.get("type", "object")
    f = {"requirement": d.get("requirement", "optional")}
    if t.endswith("_t"):
      f["type"] = base_type(t)
    else:
      f["object"] = t
    if d.get("is_array"):
      f["array"] = True
    if d.get("profile"):
      f["profile"] = d["profile"]
    if "@deprecated" in d:
      f["deprecated"] = True
    if d.get("enum"):
      f["enum"] = {k: v.get("caption", "") for k, v in sorted(d["enum"].items(), key=lambda kv: int(kv[0]))}
    if d.get("sibling"):
      f["sibling"] = d["sibling"]
    out[name] = f
  return out


def object_path(name):
  return f"objects/{name}.json"


def class_path(name):
  return {"base_event": "events/base_event.json", "finding": "events/findings/finding.json",
          "application": "events/application/application.json"}[name]


categories = show("categories.json")["attributes"]
result = {"source": "github.com/ocsf/ocsf-schema", "tag": TAG, "version": show("version.json")["version"],
          "classes": {}, "objects": {}}
for path in CLASSES:
  attrs, doc = resolve(path, class_path)
  parent = show(class_path(doc["extends"]))
  category = categories[parent["category"]]["uid"]
  uid = category * 1000 + doc["uid"]
  result["classes"][str(uid)] = {"name": doc["name"], "caption": doc["caption"], "category_uid": category,
                                 "category": categories[parent["category"]]["caption"],
                                 "attributes": facts(attrs)}
for name in OBJECTS:
  attrs, doc = resolve(object_path(name), object_path)
  entry = {"attributes": facts(attrs)}
  constraints = {}
  node = doc
  while True:  # constraints are inherited
    for k, v in node.get("constraints", {}).items():
      constraints.setdefault(k, v)
    if not node.get("extends"):
      break
    node = show(object_path(node["extends"]))
  if constraints:
    entry["constraints"] = constraints
  result["objects"][name] = entry


def observable_types():
  """The observable type ids, which the schema spreads over types, dictionary attributes and objects."""
  ids = {}
  for t in types.values():
    if "observable" in t:
      ids[str(t["observable"])] = t["caption"]
  for a in dictionary["attributes"].values():
    if "observable" in a:
      ids[str(a["observable"])] = a["caption"]
  listing = subprocess.check_output(["git", "-C", REPO, "ls-tree", "--name-only", TAG, "objects/"], text=True)
  for path in listing.split():
    o = show(path)
    if "observable" in o:
      ids[str(o["observable"])] = o["caption"]
  return ids


result["objects"]["observable"]["attributes"]["type_id"]["enum"].update(observable_types())
json.dump(result, sys.stdout, indent=1, sort_keys=True)
print()
