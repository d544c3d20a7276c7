#!/bin/sh
# A stand-in modprobe: logs its arguments and loads and unloads modules
# in the fake /proc/modules at $MODPROBE_PROC; "-n" changes nothing, and
# a module named bad is not found.
echo "$*" >> "$MODPROBE_LOG"
dry=; rm=
while :; do
	case $1 in
	-n) dry=1 ;; -r) rm=1 ;; --first-time) ;; --) shift; break ;; *) break ;;
	esac
	shift
done
if [ "$1" = bad ]; then echo "modprobe: FATAL: Module bad not found." >&2; exit 1; fi
[ -n "$dry" ] && exit 0
if [ -n "$rm" ]; then
	grep -v "^$1 " "$MODPROBE_PROC" > "$MODPROBE_PROC.new"; mv "$MODPROBE_PROC.new" "$MODPROBE_PROC"
else
	echo "$1 16384 0 - Live 0x0000000000000000" >> "$MODPROBE_PROC"
fi
