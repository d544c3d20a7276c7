#!/usr/bin/python3
"""Records what Python's json.dumps and PyYAML's yaml.dump (as
ansible-inventory calls them) print for each value in values.json, into
want.json: a list of {"json": ..., "yaml": ...}."""
import json, os, sys, yaml
from ansible.parsing.yaml.dumper import AnsibleDumper

here = os.path.dirname(os.path.abspath(__file__))
values = json.load(open(os.path.join(here, "values.json")))
out = []
for v in values:
    out.append({
        "json": json.dumps(v, sort_keys=True, indent=4, ensure_ascii=False),
        "yaml": yaml.dump(v, Dumper=AnsibleDumper, default_flow_style=False, allow_unicode=True),
    })
json.dump(out, open(os.path.join(here, "want.json"), "w"), indent=1, ensure_ascii=False)
