#!/bin/sh
# Stands in for su: insists on a terminal and reads the password from it
# with echo off. The expected password is read from the file named by
# --expect-password-file. Usage: fakesu.sh [--expect-password-file=F] USER -c CMD
expect=
case $1 in
--expect-password-file=*) expect=$(cat "${1#*=}"); shift ;;
esac
shift # user
[ "$1" = -c ] || { echo "fakesu: want -c" >&2; exit 2; }
if [ ! -t 0 ]; then
	echo "su: must be run from a terminal" >&2
	exit 1
fi
if [ -n "$expect" ]; then
	printf 'Password: '
	stty -echo
	IFS= read -r answer
	stty echo
	echo
	if [ "$answer" != "$expect" ]; then
		echo "su: Authentication failure"
		exit 1
	fi
fi
exec /bin/sh -c "$2"
