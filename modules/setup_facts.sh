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
	selinux_enforce:/sys/fs/selinux/enforce; do
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
sed -nE '/^(MemTotal|MemFree|SwapTotal|SwapFree):/s/^/|/p' /proc/meminfo 2>/dev/null
printf '@cpuinfo\n'
sed -nE '/^(processor|vendor_id|physical id|core id|cpu cores|siblings|model name)[[:space:]]*:/s/^/|/p' /proc/cpuinfo 2>/dev/null
rec nproc "$(nproc 2>/dev/null)"

if command -v ip >/dev/null 2>&1; then
	rec route "$(ip -4 route get 8.8.8.8 2>/dev/null)"
	rec addrs "$(ip -4 -o addr 2>/dev/null)"
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
