"""Renders test cases with ansible-core's own Templar, for comparison.

Reads a JSON list of {"template", "vars"} from stdin and writes a JSON list
of {"out"} or {"error"} in the same order.
"""
import json
import sys

from ansible.parsing.dataloader import DataLoader
from ansible.template import Templar

results = []
for case in json.load(sys.stdin):
    templar = Templar(loader=DataLoader(), variables=case.get("vars") or {})
    try:
        out = templar.do_template(case["template"], preserve_trailing_newlines=True,
                                  escape_backslashes=False)
        results.append({"out": out})
    except Exception as e:  # any failure is a result to compare
        results.append({"error": str(e)})
json.dump(results, sys.stdout)
