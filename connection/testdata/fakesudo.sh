#!/bin/sh
# Stands in for sudo -S: reads the password from stdin one line at a time,
# as sudo does, and asks up to three times. The expected password is read
# from the file named by --expect-password-file; without it, no password is
# asked (NOPASSWD).
nonint=no prompt=Password: expect=
while [ $# -gt 0 ]; do
	case $1 in
	-H | -S) shift ;;
	-n) nonint=yes; shift ;;
	-p) prompt=$2; shift 2 ;;
	-u) shift 2 ;;
	--expect-password-file=*) expect=$(cat "${1#*=}"); shift ;;
	*) break ;;
	esac
done
if [ -n "$expect" ]; then
	if [ $nonint = yes ]; then
		echo "sudo: a password is required" >&2
		exit 1
	fi
	tries=0
	while [ $tries -lt 3 ]; do
		printf '%s' "$prompt" >&2
		IFS= read -r answer || { echo "sudo: no password was provided" >&2; exit 1; }
		[ "$answer" = "$expect" ] && exec "$@"
		echo "Sorry, try again." >&2
		tries=$((tries + 1))
	done
	echo "sudo: 3 incorrect password attempts" >&2
	exit 1
fi
exec "$@"
