#!/bin/sh
f=$1; shift
{ echo "name=${0##*/}"; for a do echo "arg=$a"; done; } > "$f"
