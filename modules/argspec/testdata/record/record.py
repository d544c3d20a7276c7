#!/usr/bin/python3
"""Records what ansible-playbook's module argument validation does with
each case of cases.json, using library/specmod.py (the spec argspec's test
mirrors), and writes ../ansible-2.14.json.

Run from this directory: python3 record.py (needs ansible-playbook; runs
on localhost with the local connection and writes only a temp dir)."""
import json, os, subprocess, sys, tempfile, yaml

here = os.path.dirname(os.path.abspath(__file__))
cases = json.load(open(os.path.join(here, "cases.json")))
tmp = tempfile.mkdtemp()
out = os.path.join(tmp, "out.json")
tasks = []
for c in cases:
    tasks.append({"name": c["name"], "specmod": c["args"], "register": "r", "ignore_errors": True})
    tasks.append({"set_fact": {"results": "{{ results | combine({%s: r}) }}" % json.dumps(c["name"])}})
tasks.append({"copy": {"content": "{{ results | to_json }}", "dest": out}})
play = [{"hosts": "all", "gather_facts": False, "vars": {"results": {}}, "tasks": tasks}]
with open(os.path.join(tmp, "site.yml"), "w") as f:
    yaml.safe_dump(play, f, sort_keys=False)
with open(os.path.join(tmp, "inv"), "w") as f:
    f.write("localhost ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n")
env = dict(os.environ, ANSIBLE_LIBRARY=os.path.join(here, "library"), ANSIBLE_NOCOLOR="1")
subprocess.run(["ansible-playbook", "-i", os.path.join(tmp, "inv"), os.path.join(tmp, "site.yml")],
               env=env, check=True, stdout=subprocess.DEVNULL)
version = subprocess.run(["ansible-playbook", "--version"], capture_output=True, text=True).stdout.split("\n")[0]
results = json.load(open(out))
recorded = []
for c in cases:
    r = results[c["name"]]
    e = {"name": c["name"], "args": c["args"]}
    if r.get("failed"):
        e["msg"] = r["msg"]
    else:
        e["params"] = r["params"]
    if r.get("warnings"):
        e["warnings"] = r["warnings"]
    recorded.append(e)
with open(os.path.join(here, "..", "ansible-2.14.json"), "w") as f:
    json.dump({"recorded_with": version, "cases": recorded}, f, indent=1)
    f.write("\n")
