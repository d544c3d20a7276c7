#!/bin/sh
# Stands in for doas: insists on a terminal and reads the password from
# it with echo off, prompting as doas does. The expected password is read
# from the file named by --expect-password-file.
# Usage: fakedoas.sh [--expect-password-file=F] -u USER /bin/sh -c CMD
expect=
case $1 in
--expect-password-file=*) expect=$(cat "${1#*=}"); shift ;;
esac
[ "$1" = -u ] || { echo "fakedoas: want -u" >&2; exit 2; }
shift 2 # -u USER
[ "$1" = /bin/sh ] && [ "$2" = -c ] || { echo "fakedoas: want /bin/sh -c" >&2; exit 2; }
if [ ! -t 0 ]; then
	echo "doas: a tty is required" >&2
	exit 1
fi
if [ -n "$expect" ]; then
	printf 'doas (ansible@host) password: '
	stty -echo
	IFS= read -r answer
	stty echo
	echo
	if [ "$answer" != "$expect" ]; then
		echo "doas: Authentication failed"
		exit 1
	fi
fi
exec /bin/sh -c "$3"
