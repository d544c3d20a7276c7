#!/usr/bin/env bash
# zkServer.sh stand-in of the zookeeper-3.4.6 tree: it reports what it
# was asked and runs no server.
ZOOBIN="${BASH_SOURCE-$0}"
ZOOBINDIR="$(cd "$(dirname "$ZOOBIN")" && pwd)"
. "$ZOOBINDIR/zkEnv.sh"
echo "JMX enabled by default"
echo "Using config: $ZOOCFG"
case $1 in
start) echo "Starting zookeeper ... STARTED" ;;
stop) echo "Stopping zookeeper ... STOPPED" ;;
status) echo "Mode: standalone" ;;
*) echo "Usage: $0 {start|start-foreground|stop|restart|status|upgrade|print-cmd}" >&2; exit 1 ;;
esac
