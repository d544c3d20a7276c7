"""Renders test cases with ansible-core's own Templar, for comparison.

Reads a JSON list of {"template", "vars", "files", "env"} from stdin and
writes a JSON list of {"out"} or {"error"} in the same order. "files" are
written to a directory that becomes the loader's search path; "env" are
environment settings given as the template module gives them.
"""
import json
import os
import sys
import tempfile

from ansible.parsing.dataloader import DataLoader
from ansible.template import AnsibleEnvironment, Templar

results = []
for case in json.load(sys.stdin):
    templar = Templar(loader=DataLoader(), variables=case.get("vars") or {})
    with tempfile.TemporaryDirectory() as d:
        for name, text in (case.get("files") or {}).items():
            path = os.path.join(d, name)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w") as f:
                f.write(text)
        if case.get("files") or case.get("env"):
            templar = templar.copy_with_new_env(environment_class=AnsibleEnvironment,
                                                searchpath=[d], **(case.get("env") or {}))
        try:
            out = templar.do_template(case["template"], preserve_trailing_newlines=True,
                                      escape_backslashes=False)
            results.append({"out": out})
        except Exception as e:  # any failure is a result to compare
            results.append({"error": str(e)})
json.dump(results, sys.stdout)
