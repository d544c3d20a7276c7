#!/bin/sh
# Prints its name, its arguments and its directory, one a line, and
# "err" on stderr; a first argument exit=N makes it exit with N.
echo "name=${0##*/}"
for a do echo "arg=$a"; done
echo "pwd=$(pwd)"
echo err >&2
case $1 in exit=*) exit "${1#exit=}" ;; esac
