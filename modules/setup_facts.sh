# Gathers the raw material for the setup module's facts in one pass, as
# records (see records.go). The facts themselves are computed on the
# controller. Only POSIX sh and common tools; anything missing is skipped.
# Every process started costs the host more than the shell's builtins do,
# so values are taken with $(...) and rec rather than piped through recout
# where the output is short.

# One uname for the fields without blanks, in its fixed order: kernel
# name, node name, release, machine.
set -- $(uname -s -n -r -m)
rec uname_s "$1"
rec nodename "$2"
rec uname_r "$3"
rec uname_m "$4"
rec uname_v "$(uname -v)"
set -- $(getent hosts "$2" 2>/dev/null)
[ -n "$1" ] && rec hosts "$(getent hosts "$1" 2>/dev/null)"

# The release files that exist, in one awk: each becomes a record.
set --
keys=
for kf in os_release:/etc/os-release redhat_release:/etc/redhat-release centos_release:/etc/centos-release \
	debian_version:/etc/debian_version lsb_release_file:/etc/lsb-release proc1:/proc/1/comm \
	selinux_enforce:/sys/fs/selinux/enforce cmdline:/proc/cmdline machine_id:/etc/machine-id \
	dbus_machine_id:/var/lib/dbus/machine-id resolv:/etc/resolv.conf loadavg:/proc/loadavg uptime:/proc/uptime \
	mounts:/proc/mounts fips:/proc/sys/crypto/fips_enabled iscsi:/etc/iscsi/initiatorname.iscsi \
	hostnqn:/etc/nvme/hostnqn cgroup1:/proc/1/cgroup modules:/proc/modules systemd_container:/run/systemd/container \
	ssh_dsa:/etc/ssh/ssh_host_dsa_key.pub ssh_rsa:/etc/ssh/ssh_host_rsa_key.pub \
	ssh_ecdsa:/etc/ssh/ssh_host_ecdsa_key.pub ssh_ed25519:/etc/ssh/ssh_host_ed25519_key.pub; do
	f=${kf#*:}
	[ -r "$f" ] && { set -- "$@" "$f"; keys="$keys ${kf%%:*}"; }
done
[ $# -gt 0 ] && awk -v keys="$keys" 'BEGIN { split(keys, k, " ") } FNR == 1 { print "@" k[++n] } { print "|" $0 }' "$@"
command -v lsb_release >/dev/null 2>&1 && rec lsb_release "$(lsb_release -a 2>/dev/null)"

[ -L /sbin/init ] && rec sbin_init "$(readlink /sbin/init)"
present=
for p in /run/systemd/system/ /dev/.run/systemd/ /dev/.systemd/ /etc/init/ /sbin/openrc /etc/init.d/ /run/ostree-booted \
	/usr/bin/rpm-ostree /usr/bin/yum /usr/bin/dnf /usr/bin/apt-get /usr/bin/zypper /usr/sbin/urpmi /usr/bin/pacman /bin/opkg /sbin/apk /usr/bin/emerge \
	/sys/fs/selinux/enforce; do
	[ -e "$p" ] && present="$present$p$rec_nl"
done
rec present "$present"
tools=
for t in systemctl initctl; do
	IFS=:
	for d in $PATH /sbin /usr/sbin /usr/local/sbin; do
		[ -x "$d/$t" ] && { tools="$tools$t$rec_nl"; break; }
	done
	unset IFS
done
rec tools "$tools"

printf '@meminfo\n'
sed -nE '/^(MemTotal|MemFree|Buffers|Cached|SwapTotal|SwapFree|SwapCached):/s/^/|/p' /proc/meminfo 2>/dev/null
printf '@cpuinfo\n'
sed -nE '/^(processor|vendor_id|physical id|core id|cpu cores|siblings|model name)[[:space:]]*:/s/^/|/p' /proc/cpuinfo 2>/dev/null
rec nproc "$(nproc 2>/dev/null)"

if command -v ip >/dev/null 2>&1; then
	rec route "$(ip -4 route get 8.8.8.8 2>/dev/null)"
	rec route6 "$(ip -6 route get 2404:6800:400a:800::1012 2>/dev/null)"
	rec addrs "$(ip -4 -o addr 2>/dev/null)"
	rec addrs6 "$(ip -6 -o addr 2>/dev/null)"
	rec links "$(ip -o link 2>/dev/null)"
fi
# Unsorted, in directory order, as Python's os.listdir.
rec interfaces "$(ls -U /sys/class/net 2>/dev/null)"

# One id, taken apart: uid=N(name) gid=N(name) ...
ids=$(LC_ALL=C id 2>/dev/null)
case $ids in uid=*) ;; *) ids= ;; esac
u=${ids#uid=}
uid=${u%%[!0-9]*}
u=${u#"$uid"}
user=
case $u in "("*) user=${u#\(}; user=${user%%\)*} ;; esac
g=${ids#* gid=}
rec user_id "$user"
rec user_uid "$uid"
rec user_gid "${g%%[!0-9]*}"
[ -n "$uid" ] && rec passwd "$(getent passwd "$uid" 2>/dev/null)"
rec env "$(export -p)"
rec date "$(date '+%s %N %z %Z %A %w %W')"

# Small sysfs files, one grep: each line is PATH:VALUE. Unreadable files
# (an interface's speed when down, root-only DMI fields) are left out.
ethtool=
command -v ethtool >/dev/null 2>&1 && ethtool=yes
set --
for i in /sys/class/net/*; do
	set -- "$@" "$i/address" "$i/mtu" "$i/operstate" "$i/flags" "$i/type" "$i/speed"
	[ -e "$i/device" ] && rec "pciid:${i##*/}" "$(readlink "$i/device")"
	[ -e "$i/device/driver/module" ] && rec "netmodule:${i##*/}" "$(readlink -f "$i/device/driver/module")"
	[ -d "$i/bridge" ] && {
		rec "bridge:${i##*/}" "$(ls -A "$i/brif" 2>/dev/null)"
		set -- "$@" "$i/bridge/bridge_id" "$i/bridge/stp_state"
	}
	[ -d "$i/bonding" ] && {
		rec "bonding:${i##*/}" ""
		for b in slaves mode miimon lacp_rate primary all_slaves_active; do set -- "$@" "$i/bonding/$b"; done
	}
	if [ -n "$ethtool" ]; then
		out=$(ethtool -k "${i##*/}" 2>/dev/null) && rec "ethtool_k:${i##*/}" "$out"
		out=$(ethtool -T "${i##*/}" 2>/dev/null) && rec "ethtool_t:${i##*/}" "$out"
	fi
	[ -d "$i/bonding_slave" ] && { rec "bonding_slave:${i##*/}" ""; set -- "$@" "$i/bonding_slave/perm_hwaddr"; }
done
for d in bios_date bios_vendor bios_version board_asset_tag board_name board_serial board_vendor board_version \
	chassis_asset_tag chassis_serial chassis_vendor chassis_version chassis_type product_name product_serial \
	product_uuid product_version product_family sys_vendor; do
	set -- "$@" "/sys/devices/virtual/dmi/id/$d"
done
set -- "$@" /sys/class/fc_host/*/port_name
printf '@sysfs\n'
grep -Hs '' "$@" | sed 's/^/|/'
[ -d /sys/devices/virtual/dmi/id ] && rec dmi_dir ""

# Sizes of the mounts Ansible reports (a device path, or host:/path).
set --
IFS=$rec_nl
# /proc/mounts writes a blank in a name as \040: decoded here for stat.
for m in $(awk '($1 ~ /^\// || $1 ~ /^\\/ || $1 ~ /:\//) && $3 != "none" && $2 !~ /\\012/ {
	p = $2; out = ""
	while (match(p, /\\[0-7][0-7][0-7]/)) {
		o = substr(p, RSTART + 1, 3)
		out = out substr(p, 1, RSTART - 1) sprintf("%c", substr(o, 1, 1) * 64 + substr(o, 2, 1) * 8 + substr(o, 3, 1))
		p = substr(p, RSTART + 4)
	}
	print out p
}' /proc/mounts 2>/dev/null); do
	set -- "$@" "$m"
done
unset IFS
# Each mount's size is bounded by gather_timeout, as Ansible bounds each
# mount's statvfs: one stat for all of them, and only when that one runs
# out of time, one stat per mount it did not print, so that a hung network
# mount costs its own time and is recorded as timed out.
statfs_format='|%n %s %S %b %f %a %c %d'
if [ $# -gt 0 ]; then
	if command -v timeout >/dev/null 2>&1; then
		statfs=$(timeout "$gather_timeout" stat -f -c "$statfs_format" -- "$@" 2>/dev/null)
		if [ $? -eq 124 ]; then
			timed_out=
			for m do
				case $rec_nl$statfs$rec_nl in *"$rec_nl|$m "*) continue ;; esac
				one=$(timeout "$gather_timeout" stat -f -c "$statfs_format" -- "$m" 2>/dev/null)
				case $? in
				124) timed_out=$timed_out$m$rec_nl ;;
				*) statfs=$statfs$rec_nl$one ;;
				esac
			done
			rec statfs_timeout "$timed_out"
		fi
		printf '@statfs\n%s\n' "$statfs"
	else
		printf '@statfs\n'
		stat -f -c "$statfs_format" -- "$@" 2>/dev/null
	fi
fi
command -v lsblk >/dev/null 2>&1 && rec lsblk "$(lsblk -lnp -o NAME,UUID 2>/dev/null)"
command -v findmnt >/dev/null 2>&1 && rec findmnt "$(findmnt --list --noheadings --notruncate 2>/dev/null)"

# The real ids are the uid= and gid= of the id above; the effective ones
# its euid= and egid=, which id prints only when they differ from the
# real ones: the same as id -ru/-rg/-u/-g, without four more processes.
ruid=$uid
rgid=${g%%[!0-9]*}
euid=$ruid
case $ids in *" euid="*) e=${ids#*" euid="}; euid=${e%%[!0-9]*} ;; esac
egid=$rgid
case $ids in *" egid="*) e=${ids#*" egid="}; egid=${e%%[!0-9]*} ;; esac
rec euid "$euid"
rec egid "$egid"
rec ruid "$ruid"
rec rgid "$rgid"
rec long_bit "$(getconf LONG_BIT 2>/dev/null)"
command -v capsh >/dev/null 2>&1 && rec capsh "$(capsh --print 2>/dev/null)"
[ -e /sys/kernel/security/apparmor ] && rec apparmor ""
[ -n "${debian_chroot:-}" ] && rec debian_chroot "$debian_chroot"
rec root_ids "$(stat -c '%d %i' / /proc/1/root/. 2>/dev/null)"
rec root_fstype "$(stat -f -c %T / 2>/dev/null)"
rec container_env "$({ tr '\000' '\n' </proc/1/environ; } 2>/dev/null | grep '^container=')"
virt=
[ -r /proc/xen/capabilities ] && rec xen_caps "$(cat /proc/xen/capabilities 2>/dev/null)"
for p in /.dockerenv /.dockerinit /run/systemd/container /run/.containerenv /dev/kvm /proc/xen /proc/vz /proc/bc; do
	[ -e "$p" ] && virt="$virt$p$rec_nl"
done
rec virt_present "$virt"
# LVM as root only, as Ansible.
if [ "$euid" = 0 ] && command -v vgs >/dev/null 2>&1; then
	rec lvm_vgs "$(vgs --noheadings --nosuffix --units g --separator , 2>/dev/null)"
	rec lvm_lvs "$(lvs --noheadings --nosuffix --units g --separator , 2>/dev/null)"
	rec lvm_pvs "$(pvs --noheadings --nosuffix --units g --separator , 2>/dev/null)"
fi

# Block devices: each one's sysfs link and entries (partitions, holders),
# its small files in one grep, and the /dev/disk links naming them.
set --
# A process per device costs the most here, so: the entries of a device
# (read for "device" and the partitions, in any order) by a glob; a
# holders dir listed by ls -A only when it has something; and the links of
# all devices by one readlink when every one is a link, as in any sysfs
# since 2.6.
entries() {
	ent=
	for e in "$1"/* "$1"/.[!.]* "$1"/..?*; do
		[ -e "$e" ] || [ -L "$e" ] || continue
		ent="$ent${ent:+$rec_nl}${e##*/}"
	done
}
holders() {
	entries "$1"
	[ -z "$ent" ] || ent=$(ls -A "$1" 2>/dev/null)
}
all_links=1
for b in /sys/block/*; do
	[ -L "$b" ] && [ -e "$b" ] || all_links=
done
links=
[ -n "$all_links" ] && links=$(readlink /sys/block/* 2>/dev/null)
for b in /sys/block/*; do
	[ -e "$b" ] || continue
	n=${b##*/}
	if [ -n "$all_links" ]; then
		link=${links%%"$rec_nl"*}
		links=${links#*"$rec_nl"}
	else
		link=$(readlink "$b" 2>/dev/null)
	fi
	entries "$b"
	rec "block:$n" "$link$rec_nl$ent"
	holders "$b/holders"
	rec "holders:$n" "$ent"
	for f in removable queue/discard_granularity queue/rotational queue/scheduler size queue/logical_block_size \
		queue/hw_sector_size device/vendor device/model device/sas_address device/sas_device_handle device/serial; do
		set -- "$@" "$b/$f"
	done
	for p in "$b/$n"*; do
		[ -d "$p" ] || continue
		holders "$p/holders"
		rec "holders:${p##*/}" "$ent"
		set -- "$@" "$p/start" "$p/size" "$p/queue/logical_block_size" "$p/queue/hw_sector_size"
	done
done
if [ $# -gt 0 ]; then
	printf '@blockfs\n'
	grep -Hs '' "$@" /sys/block/*/dm/name | sed 's/^/|/'
fi
rec slaves "$(ls -d /sys/block/*/slaves/* 2>/dev/null)"
for d in ids:by-id uuids:by-uuid labels:by-label; do
	[ -d "/dev/disk/${d#*:}" ] && rec "disklinks:${d%%:*}" "$(ls -l "/dev/disk/${d#*:}" 2>/dev/null)"
done

# Local facts: each *.fact file of $fact_path (set before this script),
# run when its owner may execute it, read otherwise; the controller turns
# each into JSON or INI data. A name with a newline cannot be a record
# name and is reported as such.
if [ -n "$fact_path" ] && [ -d "$fact_path" ]; then
	rec local_dir 1
	for f in "$fact_path"/*.fact; do
		[ -e "$f" ] || [ -L "$f" ] || continue
		n=${f##*/}
		case $n in *"$rec_nl"*) rec local_badname 1; continue ;; esac
		if ! m=$(stat -L -c %A -- "$f" 2>/dev/null); then
			rec "local_missing:$n" 1
			continue
		fi
		case $m in
		???[xs]*)
			t=$(mktemp) || t=/dev/null
			o=$("$f" 2>"$t" </dev/null; echo "x$?")
			rec "local_exec:$n" "${o%x*}"
			rec "local_exec_rc:$n" "${o##*x}"
			rec "local_exec_err:$n" "$(cat -- "$t"; echo x)"
			[ "$t" = /dev/null ] || rm -f -- "$t"
			;;
		*) rec "local_file:$n" "$(cat -- "$f" 2>/dev/null; echo x)" ;;
		esac
	done
fi
