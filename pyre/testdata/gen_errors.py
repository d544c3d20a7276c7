#!/usr/bin/env python3
"""Records Python's re.error message (or null) for each pattern below.

Run from this directory: python3 gen_errors.py > errors.json
The Go test compiles every pattern with package pyre.
"""
import json
import re

PATTERNS = [
    "(", "((a)", "((a", "a)", "a))", "(a))(", "[", "[a", "a[]", "a[]]", "[(]", "[)]",
    "*a", "a**", "a+*", "a?*", "a*?*", "a|*", "(*a)", "+", "?", "(?:a", "(?:a)",
    "(?P<n>a)(?P=n)", "(?P<n>a", "(?P<n>a)(?P=n", "\\(", "\\)", "\\*", "a\\", "a\\\\",
    "a{2}", "x*?", "x+?", "(?=a)b", "(?!a)", "(?<=a)b", "(?i)a", "\\[", "[\\]]", "\\q",
    "a|b", "|a", "()", "(|a)",
]

out = []
for p in PATTERNS:
    try:
        re.compile(p)
        err = None
    except re.error as e:
        err = str(e)
    out.append({"pattern": p, "error": err})
print(json.dumps(out, indent=1, ensure_ascii=False))
