# Shared by the init stand-ins (service, chkconfig, initctl) of the test
# hosts. They do not run anything: they record what they were asked in
# $STANDIN_LOG and keep each service's run state in $STANDIN_STATE/NAME
# ("running" or "stopped") so that later status queries answer
# consistently. STANDIN_ROOT relocates everything (tests only).

STANDIN_STATE=${STANDIN_ROOT:-}/var/lib/init-standin
STANDIN_LOG=${STANDIN_ROOT:-}/var/log/gansible-init.log
SYSV_DIR=${STANDIN_ROOT:-}/etc/rc.d/init.d
UPSTART_DIR=${STANDIN_ROOT:-}/etc/init

# record appends one request, as its words, to the log.
record() {
	mkdir -p "${STANDIN_LOG%/*}"
	printf '%s\n' "$*" >>"$STANDIN_LOG"
}

# run_state prints "running" or "stopped".
run_state() {
	if [ -f "$STANDIN_STATE/$1" ]; then
		cat "$STANDIN_STATE/$1"
	else
		echo stopped
	fi
}

set_run_state() {
	mkdir -p "$STANDIN_STATE"
	printf '%s\n' "$2" >"$STANDIN_STATE/$1"
}

# fake_pid prints a pid that stays the same for a service name, so that
# repeated runs produce identical output.
fake_pid() {
	printf '%s' "$1" | cksum | cut -c1-4
}
