#!/bin/sh
# Installs the reference environment, the Debian 12 packages that the test
# cluster (package testcluster) and the comparisons with real Ansible need,
# then checks that each has the version pinned for it. The list, with what
# each package is for, is refenv/packages.txt: the one place it is kept.
# Idempotent; run as root.
set -eu

pins="$(dirname "$0")/../refenv/packages.txt"
# "name version" lines, comments and blank lines dropped.
list=$(sed -e 's/#.*//' "$pins" | awk 'NF == 2 { print $1, $2 } NF != 2 && NF != 0 { print "bad line: " $0 > "/dev/stderr"; exit 1 }')

installed_version() {
	dpkg-query -W -f='${Status}\t${Version}\n' "$1" 2>/dev/null | sed -n 's/^install ok installed\t//p'
}

missing=
for p in $(echo "$list" | awk '{ print $1 }'); do
	if [ -z "$(installed_version "$p")" ]; then
		missing="$missing $p"
	fi
done
if [ -n "$missing" ]; then
	echo "install-deps: installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	# Keep package scripts from starting the machine's own sshd: listening on
	# *:22 it would take port 22 from every 127.0.1.x test host.
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
		chmod 755 /usr/sbin/policy-rc.d
		trap 'rm -f /usr/sbin/policy-rc.d' EXIT
	fi
	apt-get update -q
	# Recommends stay out: what the tests need is listed, so that a fresh
	# machine and a well-used one have the same environment.
	# shellcheck disable=SC2086 # word splitting of the package list is intended
	apt-get install -y -q --no-install-recommends $missing
fi

bad=0
echo "$list" | {
	while read -r name want; do
		have=$(installed_version "$name")
		case "$want" in
		'*') [ -n "$have" ] && continue ;;
		*) case "$have" in "$want"*) continue ;; esac ;;
		esac
		echo "install-deps: reference $name $want required, found ${have:-none}" >&2
		bad=1
	done
	exit $bad
} || { echo "install-deps: the reference environment differs from refenv/packages.txt" >&2; exit 1; }
echo "install-deps: reference environment as pinned in refenv/packages.txt"
