#!/usr/bin/env bash
# Writes modules/ansible_modules.txt: every module name the reference
# ansible-core (with Debian's collections, see refenv/packages.txt)
# resolves: the fully qualified names ansible-doc lists, and the short
# names ansible-core's routing table redirects. gansible accepts a task
# naming any of them when it loads a playbook, and fails the task only if
# it runs, as a module gansible does not have yet.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=$root/modules/ansible_modules.txt
version=$(ansible --version 2>/dev/null | sed -n 1p | sed -n 's/.*\[core \([0-9.]*\)\].*/\1/p')
[[ -n $version ]] || { echo "gen-ansible-modules: no ansible-core found" >&2; exit 1; }
{
	echo "# ansible-core $version"
	{
		ansible-doc -t module -l 2>/dev/null |
			awk '$1 ~ /^[A-Za-z0-9_]+\.[A-Za-z0-9_]+\.[A-Za-z0-9_.]+$/ { print $1; if ($1 ~ /^ansible\.builtin\./) print substr($1, 17) }'
		/usr/bin/python3 -c '
import ansible, os, yaml
path = os.path.join(os.path.dirname(ansible.__file__), "config", "ansible_builtin_runtime.yml")
for name, route in yaml.safe_load(open(path))["plugin_routing"]["modules"].items():
    if route and route.get("redirect") and not route.get("tombstone"):
        print(name)
'
	} | LC_ALL=C sort -u
} >"$out"
echo "wrote $(($(wc -l <"$out") - 1)) module names for ansible-core $version to $out"
