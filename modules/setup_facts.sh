# Gathers the raw material for the setup module's facts in one pass, as
# records (see records.go). The facts themselves are computed on the
# controller. Only POSIX sh and common tools; anything missing is skipped.
readrec() { [ -r "$2" ] && recout "$1" <"$2"; }
run() { k=$1; shift; "$@" 2>/dev/null | recout "$k"; }

rec uname_s "$(uname -s)"
rec uname_r "$(uname -r)"
rec uname_v "$(uname -v)"
rec uname_m "$(uname -m)"
rec nodename "$(uname -n)"
addr=$(getent hosts "$(uname -n)" 2>/dev/null | awk '{print $1; exit}')
[ -n "$addr" ] && run hosts getent hosts "$addr"

readrec os_release /etc/os-release
readrec redhat_release /etc/redhat-release
readrec centos_release /etc/centos-release
readrec debian_version /etc/debian_version
readrec lsb_release_file /etc/lsb-release
command -v lsb_release >/dev/null 2>&1 && run lsb_release lsb_release -a

readrec proc1 /proc/1/comm
[ -L /sbin/init ] && rec sbin_init "$(readlink /sbin/init)"
for p in /run/systemd/system/ /dev/.run/systemd/ /dev/.systemd/ /etc/init/ /sbin/openrc /etc/init.d/ /run/ostree-booted \
	/usr/bin/rpm-ostree /usr/bin/yum /usr/bin/dnf /usr/bin/apt-get /usr/bin/zypper /usr/sbin/urpmi /usr/bin/pacman /bin/opkg /sbin/apk /usr/bin/emerge \
	/sys/fs/selinux/enforce; do
	[ -e "$p" ] && printf '%s\n' "$p"
done | recout present
for t in systemctl initctl; do
	for d in $(echo "$PATH" | tr ':' ' ') /sbin /usr/sbin /usr/local/sbin; do
		[ -x "$d/$t" ] && { printf '%s\n' "$t"; break; }
	done
done | recout tools
[ -r /sys/fs/selinux/enforce ] && readrec selinux_enforce /sys/fs/selinux/enforce

grep -E '^(MemTotal|MemFree|SwapTotal|SwapFree):' /proc/meminfo 2>/dev/null | recout meminfo
grep -E '^(processor|vendor_id|physical id|core id|cpu cores|siblings|model name)[[:space:]]*:' /proc/cpuinfo 2>/dev/null | recout cpuinfo
run nproc nproc

if command -v ip >/dev/null 2>&1; then
	run route ip -4 route get 8.8.8.8
	run addrs ip -4 -o addr
	run links ip -o link
fi
# Unsorted, in directory order, as Python's os.listdir.
run interfaces ls -U /sys/class/net

rec user_id "$(id -un)"
rec user_uid "$(id -u)"
rec user_gid "$(id -g)"
run passwd getent passwd "$(id -u)"
export -p | recout env
rec date "$(date '+%s %N %z %Z %A %w %W')"
