#!/usr/bin/env bash
# zkCli.sh stand-in of the zookeeper-3.4.6 tree.
echo "zkCli.sh: no server in this stand-in" >&2
exit 1
