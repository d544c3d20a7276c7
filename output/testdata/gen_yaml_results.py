#!/usr/bin/python3
"""Writes yaml_results.json: the yaml stdout callback's _dump_results
(community.general 6.x as ansible 7.7.0 ships it) of every result in
yaml_results_in.json, at verbosity 0 and 3.

Regenerate with the reference Ansible installed:
    cd output/testdata && /usr/bin/python3 gen_yaml_results.py
"""
import json
from ansible_collections.community.general.plugins.callback.yaml import CallbackModule

cb = CallbackModule()
with open('yaml_results_in.json', encoding='utf-8') as f:
    results = json.load(f)
out = []
for r in results:
    row = []
    for verbosity in (0, 3):
        cb._display.verbosity = verbosity
        row.append(cb._dump_results(r))
    out.append(row)
with open('yaml_results.json', 'w', encoding='utf-8') as f:
    json.dump(out, f, ensure_ascii=False, indent=0)
    f.write('\n')
