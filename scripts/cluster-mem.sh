#!/usr/bin/env bash
# Prints the memory a running test cluster takes: the proportional set
# size (PSS, shared pages split between their users) of every process of
# every host (its init and all it started), and the tmpfs of its layers.
#
#   scripts/cluster-mem.sh STATE_DIR
set -euo pipefail
state=${1:?usage: cluster-mem.sh STATE_DIR}
pids=$(python3 -c 'import json,sys; print(" ".join(str(h["pid"]) for h in json.load(open(sys.argv[1]))["hosts"] if h.get("pid")))' "$state/cluster.json")
# The processes of a host: its init and every descendant.
descendants() {
	local p
	for p in "$@"; do
		echo "$p"
		descendants $(cat /proc/"$p"/task/*/children 2>/dev/null)
	done
}
all=$(descendants $pids | sort -u)
pss=0 n=0
for p in $all; do
	kb=$(awk '/^Pss:/ {print $2}' /proc/"$p"/smaps_rollup 2>/dev/null || echo 0)
	pss=$((pss + ${kb:-0})) n=$((n + 1))
done
hosts=$(echo "$pids" | wc -w)
tmpfs=$(df -k --output=used "$state/fs" | tail -1 | tr -d ' ')
echo "hosts=$hosts processes=$n pss_kb=$pss pss_kb_per_host=$((pss / hosts)) tmpfs_kb=$tmpfs"
