#!/usr/bin/env bash
# zkEnv.sh stand-in of the zookeeper-3.4.6 tree: the variables the init
# script and zkServer.sh read.
ZOOBINDIR="${ZOOBINDIR:-/usr/bin}"
ZOOKEEPER_PREFIX="${ZOOBINDIR}/.."
ZOOCFGDIR="$ZOOKEEPER_PREFIX/conf"
ZOOCFG="zoo.cfg"
ZOOCFG="$ZOOCFGDIR/$ZOOCFG"
ZOO_LOG_DIR="${ZOO_LOG_DIR:-.}"
ZOOPIDFILE="${ZOOPIDFILE:-/var/run/zookeeper_server.pid}"
export ZOOCFGDIR ZOOCFG ZOO_LOG_DIR ZOOPIDFILE
