#!/bin/sh
if [ "$1" = "--list" ]; then
cat <<'J'
{"web": {"hosts": ["w2", "w1"], "vars": {"http_port": 80, "flag": true}, "children": ["edge"]},
 "edge": ["e1"],
 "solo": {"x": 1},
 "_meta": {"hostvars": {"w1": {"ansible_connection": "local", "n": 1.5}, "e1": {"ansible_connection": "local"}}}}
J
fi
