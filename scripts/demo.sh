#!/usr/bin/env bash
# Runs the bundled Mesos + ZooKeeper playbook with gansible on a local
# cluster of six SSH hosts that have no Python, shows what landed on each
# host, runs the playbook a second time to show that nothing changes, and
# stops the cluster, also on failure or interrupt.
#
#   scripts/demo.sh          (make demo builds first, then runs this)
#
# Environment: GANSIBLE and TESTCLUSTER name the binaries (default bin/),
# DEMO_STATE the cluster's state dir (default a fresh dir under /tmp).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

gansible=${GANSIBLE:-bin/gansible}
testcluster=${TESTCLUSTER:-bin/gansible-testcluster}
playbook=playbooks/site.yml
inventory=playbooks/hosts.ini
standins=build/standins

for bin in "$gansible" "$testcluster"; do
	[[ -x $bin ]] || { echo "demo: $bin is missing; run make build" >&2; exit 1; }
done

# The hosts are those of the playbook's inventory, in its order.
mapfile -t hosts < <(awk '/^[[:space:]]*($|[#;[])/ { next } { print $1 }' "$inventory" | awk '!seen[$0]++')
(( ${#hosts[@]} > 0 )) || { echo "demo: no hosts in $inventory" >&2; exit 1; }

state=${DEMO_STATE:-$(mktemp -d /tmp/gansible-demo.XXXXXX)}
started=0
cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	if (( started )); then
		echo
		echo "== stopping the cluster"
		if "$testcluster" stop --state "$state"; then
			# Only once every host filesystem is unmounted is the
			# state dir plain files that can go.
			[[ -n ${DEMO_STATE:-} ]] || rm -rf "$state"
		else
			echo "demo: stopping failed; state left in $state" >&2
			rc=1
		fi
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

section() { printf '\n== %s\n' "$*"; }

section "building the stand-in mesos rpm and zookeeper tarball into $standins"
"$testcluster" standins --out "$standins"

section "starting ${#hosts[@]} hosts without Python: ${hosts[*]}"
started=1
"$testcluster" start --hosts "$(IFS=,; echo "${hosts[*]}")" --state "$state" --standins "$standins"
cluster_inventory=$state/cluster-hosts.yml
ssh_config=$state/ssh_config

run_playbook() {
	local start=$EPOCHREALTIME
	set +e
	"$gansible" "$playbook" -i "$inventory" -i "$cluster_inventory" --forks "${#hosts[@]}" "$@"
	local rc=$?
	set -e
	awk -v rc="$rc" -v s="$start" -v e="$EPOCHREALTIME" 'BEGIN { printf "gansible exited with %d after %.1f s\n", rc, e - s }'
	return "$rc"
}

section "first run: $gansible $playbook -i $inventory -i cluster-hosts.yml"
run_playbook

# What the playbook left on a host, read over SSH as the playbook's user.
# shellcheck disable=SC2016 # expanded on the host
report='
show() { [ -f "$1" ] && printf "  %-30s %s\n" "$1" "$(tr "\n" " " <"$1" | sed "s/ *$//")"; }
printf "  %-30s %s\n" "python on the host" "$(command -v python3 python 2>/dev/null || echo none)"
printf "  %-30s %s\n" "rpm -q mesos" "$(rpm -q mesos 2>&1)"
show /etc/mesos/zk
for f in /etc/mesos-master/* /etc/mesos-slave/*; do show "$f"; done
show /etc/zookeeper/myid
if [ -f /etc/zookeeper/conf/zoo.cfg ]; then
	printf "  %-30s %s\n" "/etc/zookeeper links to" "$(readlink /etc/zookeeper)"
	grep "^server\." /etc/zookeeper/conf/zoo.cfg | sed "s|^|  zoo.cfg                        |"
fi
printf "  %-30s %s\n" "upstart jobs in /etc/init" "$(cd /etc/init && ls -- *.conf 2>/dev/null | paste -sd " ")"
sudo -n cat /var/log/gansible-init.log 2>/dev/null | sed "s|^|  init: |"
'
for h in "${hosts[@]}"; do
	section "$h"
	ssh -F "$ssh_config" -o BatchMode=yes "$h" "$report"
done

section "second run: nothing should change"
second=$(run_playbook) || { printf '%s\n' "$second"; exit 1; }
printf '%s\n' "$second" | sed -n '/^PLAY RECAP/,$p'
if grep -q 'changed=[1-9]' <<<"$second"; then
	echo "demo: the second run changed something; the playbook is not idempotent" >&2
	exit 1
fi
