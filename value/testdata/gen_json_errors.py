#!/usr/bin/env python3
"""Records json.loads's error message (or null) for each text below.

Run from this directory: python3 gen_json_errors.py > json_errors.json
The Go test checks value.PyJSONError against every one.
"""
import json

TEXTS = [
    "", " ", "- a", "a: 1", "[", "[1", "[1,", "[1,]", "[1 2]", "[}", "]",
    '{', '{"a"', '{"a":', '{"a": 1', '{"a": 1,', '{"a": 1,}', '{"a" 1}', "{'a': 1}",
    '{"a": 1 "b": 2}', '{1: 2}', '{}', '[]', '{"a": [1, 2}', '[{"hosts": "all", "tasks": [}]\n',
    '"abc', '"a\\', '"a\\q"', '"a\\u12"', '"a\\u12g4"', '"a\\u1234"', '"a\tb"', '"a\nb"',
    '"é\tx"', '["é", x]', "1", "-", "-1", "01", "1.", "1.5e", "1e5", "-Infinity", "Infinity",
    "NaN", "nan", "true", "tru", "null", "nul", "[true false]", '{"a": 1}\n- x', "[1]\n\n  x",
    '  [\n  1,\n  x\n]', "\ufeff[1]", '{"a":1}  ', '{"a": {"b": [1, {"c": }]}}', '[1]]',
    '"\\ud800"', '{"a": "b", }',
    "- hosts: all\n", "---\n- a\n", "\n\n- hosts: all\n", "  # c\nx: 1\n",
    "-1 x", "-Infinity x", "true x",
]

out = []
for t in TEXTS:
    try:
        json.loads(t)
        err = None
    except json.JSONDecodeError as e:
        err = str(e)
    out.append({"text": t, "error": err})
print(json.dumps(out, indent=1, ensure_ascii=False))
