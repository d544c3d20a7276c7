#!/bin/sh
# Installs what the test cluster (package testcluster) and the comparison
# with real Ansible need on Debian 12. Idempotent; run as root.
#
#   openssh-server    sshd of every test host (openssh-client for manual use)
#   sudo              become on the hosts
#   rpm, dnf, ...     the hosts' package manager (rpm includes rpmbuild and rpmsign)
#   gnupg             signing key of the mesos stand-in
#   ansible-core      the reference implementation the comparisons run
#   iproute2, util-linux, procps  ss, unshare/nsenter/mount, ps
#   tar, gzip, unzip  the unarchive module on the hosts
set -eu

packages="openssh-server openssh-client sudo rpm dnf python3-dnf gnupg ansible-core
iproute2 util-linux procps tar gzip unzip"

missing=
for p in $packages; do
	if ! dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
		missing="$missing $p"
	fi
done
if [ -z "$missing" ]; then
	echo "install-deps: all packages present"
	exit 0
fi
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
# shellcheck disable=SC2086 # word splitting of the package list is intended
apt-get install -y -q --no-install-recommends $missing
