#!/bin/sh
# PID 1 of one test host (the file is installed as "init" so that
# /proc/1/comm reads "init", as on an upstart host; as "systemd" on
# systemd hosts).
#
# It runs in fresh mount, pid, uts and ipc namespaces, still on the
# machine's root. Usage: init ROOT HOSTNAME [SERVICE_MANAGER]
# ROOT is the host's merged overlay; everything mounted here stays inside
# this host's mount namespace and disappears with it.
set -eu
root=$1
name=$2
mgr=${3:-upstart}

# Nothing mounted below may leak back to the machine.
mount --make-rprivate /
hostname "$name"

mount -t proc -o nosuid,nodev,noexec proc "$root/proc"
mount --rbind /dev "$root/dev"
mount --rbind /sys "$root/sys"
mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs "$root/run"
mkdir -m 0755 "$root/run/sshd"
mkdir -m 1777 "$root/run/lock"
# What sd_booted() and Ansible's service_mgr fact look for.
[ "$mgr" != systemd ] || mkdir -p -m 0755 "$root/run/systemd/system"

chroot "$root" /usr/sbin/sshd -D -e -f /etc/gansible-testcluster/sshd_config &
sshd=$!

# As PID 1 this shell inherits every orphan on the host; dash's wait
# collects any child while it waits for sshd, so none stays a zombie.
# When sshd is gone the host is down and the namespaces go with us.
while kill -0 "$sshd" 2>/dev/null; do
	wait "$sshd" || true
done
