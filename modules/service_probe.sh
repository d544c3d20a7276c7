# Finds how the host manages service "$1" and reports its state, as
# records (see records.go), the way Ansible's service module looks:
# tools in /sbin:/usr/sbin:/bin:/usr/bin before $PATH; systemd if booted
# with it, upstart if initctl and /etc/init/NAME.conf exist, else SysV
# init scripts. $2 is the arguments for status, $3 a ps pattern, $4 "1"
# when the enabled state is wanted.
name=$1 arguments=$2 pattern=$3 want_enabled=$4
# $arguments is split into words unquoted, as Ansible splits it, but never
# globbed against the host's files: set -f around each use.

# binpath VAR NAME sets VAR to the path of the program NAME, or to "".
binpath() {
	eval "$1="
	set -f
	IFS=:
	for d in /sbin /usr/sbin /bin /usr/bin $PATH; do
		[ -f "$d/$2" ] && [ -x "$d/$2" ] && { eval "$1=\$d/\$2"; break; }
	done
	unset IFS
	set +f
}
errfile=$(mktemp) || exit 1
trap 'rm -f "$errfile"' EXIT
# capture CMD...: sets rc, out and err from the command, run in the C
# locale as Ansible does, since its output is screen-scraped.
capture() {
	out=$(LANG=C LC_ALL=C LC_MESSAGES=C "$@" 2>"$errfile")
	rc=$?
	# Read with builtins: a process costs the host more than the loop.
	err=
	while IFS= read -r line || [ -n "$line" ]; do err="$err$line$rec_nl"; done <"$errfile"
	while :; do case $err in *"$rec_nl") err=${err%"$rec_nl"} ;; *) break ;; esac; done
}
# emit KEY: the last capture as records KEY.rc, KEY.out, KEY.err.
emit() { rec "$1.rc" "$rc"; rec "$1.out" "$out"; rec "$1.err" "$err"; }
runrec() { k=$1; shift; capture "$@"; emit "$k"; }

binpath systemctl systemctl
binpath initctl initctl
binpath service service
binpath chkconfig chkconfig
binpath updatercd update-rc.d
initscript=
[ -f "/etc/init.d/$name" ] && initscript=/etc/init.d/$name

booted=
if [ -n "$systemctl" ]; then
	for c in /run/systemd/system/ /dev/.run/systemd/ /dev/.systemd/; do [ -e "$c" ] && booted=1; done
	grep -q systemd /proc/1/comm 2>/dev/null && booted=1
fi

if [ -n "$booted" ]; then
	rec manager systemd
	rec svc_cmd "$systemctl"
	runrec show "$systemctl" show "$name"
	[ "$want_enabled" = 1 ] && runrec is_enabled "$systemctl" is-enabled "$name"
	[ -x "/etc/init.d/$name" ] && rec sysv_script 1
	ls /etc/rc?.d/S??"$name" 2>/dev/null | recout sysv_links
elif [ -n "$initctl" ] && [ -f "/etc/init/$name.conf" ]; then
	rec manager upstart
	rec svc_cmd "$initctl"
	runrec version "$initctl" version
	{ set -f; runrec status "$initctl" status "$name" $arguments; set +f; }
	if [ "$want_enabled" = 1 ]; then
		recout conf <"/etc/init/$name.conf"
		[ -f "/etc/init/$name.override" ] && recout override <"/etc/init/$name.override"
	fi
elif [ -n "$initscript" ] || [ -n "$service" ]; then
	rec manager sysv
	[ -n "$initscript" ] && rec initscript "$initscript"
	if [ -n "$service" ]; then
		rec svc_cmd "$service"
		{ set -f; runrec status "$service" "$name" status $arguments; set +f; }
	else
		{ set -f; runrec status "$initscript" status $arguments; set +f; }
	fi
	[ -n "$initctl" ] && { set -f; runrec initctl_status "$initctl" status "$name" $arguments; set +f; }
	if [ -n "$initscript" ] && [ -n "$updatercd" ]; then
		rec enable_cmd "$updatercd"
		ls /etc/rc?.d/S??"$name" 2>/dev/null | recout s_links
		ls /etc/rc?.d/K??"$name" 2>/dev/null | recout k_links
	elif [ -n "$initscript" ] && [ -n "$chkconfig" ]; then
		rec enable_cmd "$chkconfig"
		if [ "$want_enabled" = 1 ]; then
			capture "$chkconfig" --list "$name"
			case $err in
			*"chkconfig --add $name"*)
				# As Ansible: add the service, then ask again.
				"$chkconfig" --add "$name" >/dev/null 2>&1
				capture "$chkconfig" --list "$name"
				;;
			esac
			emit chkconfig
		fi
	fi
else
	rec manager none
fi
[ -n "$pattern" ] && ps auxww 2>/dev/null | recout ps
exit 0
