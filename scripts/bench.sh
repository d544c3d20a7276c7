#!/usr/bin/env bash
# Benchmarks gansible against ansible-playbook on the mesos-ansible repo
# (../shared/mesos-ansible beside the project), at 6 and 30 hosts.
#
# gansible runs the repo unmodified, on hosts without Python;
# ansible-playbook runs a copy with the two lines ansible-core 2.14 refuses
# adapted (include: -> import_playbook:, sudo: -> become:), on hosts with
# Python. Every run gets freshly started hosts, both tools use 6 forks, and
# runs of the two tools alternate so that load on the machine hits both
# alike. For each tool and size it prints the median wall time, the median
# control-side CPU time (user+sys of the tool and every process it waited
# for, ssh included) and the median peak RSS (of the largest process), and
# the ratios; for gansible also the median over runs of the average round
# trips (commands sent) per host and task, from the GANSIBLE_ROUNDTRIPS
# file it writes once its run is over. The first run of each tool is
# checked: its recap must show no failed or unreachable host, and what it
# left on the hosts must equal what the other tool left.
#
#   scripts/bench.sh          (make bench builds first, then runs this)
#
# Environment: BENCH_RUNS (default 5) and BENCH_RUNS_LARGE (default 3)
# runs per tool at 6 and 30 hosts; BENCH_SIZES (default "6 30");
# BENCH_RTT=MS puts a latency proxy (gansible-testcluster latency) adding
# MS of round-trip time between the controller and every host, and gives
# ansible-playbook its best case over it (pipelining, ControlPersist); the
# table then also shows wall time / RTT per task of a host (make
# bench-latency runs 0, 25 and 100 ms);
# BENCH_KEEP=1 keeps the work dir; GANSIBLE, TESTCLUSTER and
# ANSIBLE_PLAYBOOK name the programs.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
shared=$(cd "$root/../shared" && pwd)
repo=$shared/mesos-ansible

gansible=$(realpath "${GANSIBLE:-$root/bin/gansible}")
testcluster=$(realpath "${TESTCLUSTER:-$root/bin/gansible-testcluster}")
ansible_playbook=${ANSIBLE_PLAYBOOK:-$(command -v ansible-playbook || true)}
runs_small=${BENCH_RUNS:-5}
runs_large=${BENCH_RUNS_LARGE:-3}
sizes=${BENCH_SIZES:-6 30}
rtt_ms=${BENCH_RTT:-0}
forks=6
tools=(gansible ansible-playbook)

die() { echo "bench: $*" >&2; exit 1; }
[[ -x $gansible ]] || die "$gansible is missing; run make build"
[[ -x $testcluster ]] || die "$testcluster is missing; run make build"
[[ -x $ansible_playbook ]] || die "ansible-playbook not found"
[[ -x /usr/bin/time ]] || die "/usr/bin/time (GNU time) not found"
[[ -f $repo/site.yml ]] || die "no mesos-ansible repo at $repo"

work=$(mktemp -d /tmp/gansible-bench.XXXXXX)
state=          # state dir of the running cluster, if any
proxy_pid=      # the latency proxy's process, if any
failures=0

cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	stop_cluster || rc=1
	if (( rc == 0 && failures == 0 )) && [[ -z ${BENCH_KEEP:-} ]]; then
		rm -rf "$work"
	else
		echo "bench: logs and results kept in $work" >&2
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

stop_proxy() {
	[[ -n $proxy_pid ]] || return 0
	kill "$proxy_pid" 2>/dev/null || true
	wait "$proxy_pid" 2>/dev/null || true
	proxy_pid=
}

stop_cluster() {
	stop_proxy
	[[ -n $state ]] || return 0
	local dir=$state
	state=
	if ! "$testcluster" stop --state "$dir" >/dev/null; then
		echo "bench: could not stop the cluster in $dir" >&2
		return 1
	fi
	rm -rf "$dir"
}

# fail records a failed check and says so clearly, with the log's tail.
fail() {
	local msg=$1 log=${2:-}
	failures=$((failures + 1))
	echo "FAIL: $msg" >&2
	if [[ -n $log ]]; then
		echo "----- last lines of $log" >&2
		tail -n 25 "$log" >&2
		echo "-----" >&2
	fi
}

# inventory_hosts prints the hosts of an INI inventory once each, in order.
inventory_hosts() {
	awk '/^[[:space:]]*($|[#;[])/ { next } { print $1 }' "$1" | awk '!seen[$0]++'
}

# write_large_inventory writes a 30-host variant of the repo's inventory:
# the same three masters (their zk_myid comes from host_vars) and 27
# slaves, named and numbered like the repo's.
write_large_inventory() {
	{
		echo "# file: inventory-30 (the repo's inventory, with 27 slaves)"
		echo
		echo "[masters]"
		for i in 1 2 3; do printf 'cent%02d.lab.hdlocal ip=172.1.1.%d\n' "$i" $((10 + i)); done
		echo
		echo "[slaves]"
		for i in $(seq 1 27); do printf 'slave%d.lab.hdlocal ip=172.1.1.%d\n' "$i" $((60 + i)); done
		echo
		echo "[namenode]"
		echo "cent01.lab.hdlocal ip=172.1.1.11"
	} >"$1"
}

# prepare_copy copies the repo to dir with the stand-ins in the role's
# files/ and the 30-host inventory beside the repo's; with "adapt" it also
# makes the two edits ansible-core needs, and checks that each happened.
prepare_copy() {
	local dir=$1 adapt=${2:-}
	mkdir -p "$dir"
	cp -R "$repo/." "$dir/"
	rm -rf "$dir/.git"
	mkdir -p "$dir/roles/mesos/files"
	cp "$work/standins/mesos-0.21.0-1.0.rpm" "$work/standins/zookeeper-3.4.6.tar.gz" "$dir/roles/mesos/files/"
	write_large_inventory "$dir/inventory-30"
	if [[ $adapt == adapt ]]; then
		grep -q '^[[:space:]]*-[[:space:]]*include:' "$dir/site.yml" || die "site.yml: no include: to adapt"
		grep -q '^[[:space:]]*sudo:' "$dir/cluster.yml" || die "cluster.yml: no sudo: to adapt"
		sed -i -E 's/^([[:space:]]*-[[:space:]]*)include:/\1import_playbook:/' "$dir/site.yml"
		sed -i -E 's/^([[:space:]]*)sudo:/\1become:/' "$dir/cluster.yml"
	fi
}

# run_once TOOL SIZE INVENTORY N starts fresh hosts, runs TOOL on them under
# GNU time, checks the recap and, for the first run, snapshots the hosts.
# It appends "wall cpu rss_kb" to the tool's result file when the run is good.
run_once() {
	local tool=$1 size=$2 inventory=$3 n=$4
	local tag=$tool-$size-$n
	local log=$work/logs/$tag.log timing=$work/logs/$tag.time roundtrips=$work/logs/$tag.roundtrips.csv
	local -a hosts start_flags=() cmd
	mapfile -t hosts < <(inventory_hosts "$work/$tool/$inventory")

	state=$work/cluster-$tag
	[[ $tool == ansible-playbook ]] && start_flags=(--python)
	if ! "$testcluster" start --hosts "$(IFS=,; echo "${hosts[*]}")" --state "$state" \
		--standins "$work/standins" "${start_flags[@]}" >"$work/logs/$tag.start" 2>&1; then
		fail "$tag: the test cluster did not start" "$work/logs/$tag.start"
		state=
		return
	fi

	local reach=$state/cluster-hosts.yml
	if (( rtt_ms > 0 )); then
		"$testcluster" latency --state "$state" --rtt "${rtt_ms}ms" >"$work/logs/$tag.latency" 2>&1 &
		proxy_pid=$!
		local waited=0
		until [[ -s $state/latency-hosts.yml ]] && grep -q '^inventory:' "$work/logs/$tag.latency"; do
			sleep 0.1
			waited=$((waited + 1))
			if (( waited > 100 )) || ! kill -0 "$proxy_pid" 2>/dev/null; then
				fail "$tag: the latency proxy did not start" "$work/logs/$tag.latency"
				stop_cluster
				return
			fi
		done
		reach=$state/latency-hosts.yml
	fi

	case $tool in
	gansible) cmd=("$gansible") ;;
	ansible-playbook) cmd=("$ansible_playbook") ;;
	esac
	cmd+=(site.yml -i "$inventory" -i "$reach" -u ansible -f "$forks")

	local rc=0
	(
		cd "$work/$tool"
		# Ansible's own files (tmp dirs, ssh control sockets) go to the
		# cluster's state dir, so that no run reuses another's.
		export ANSIBLE_HOME=$state/ansible ANSIBLE_LOCAL_TEMP=$state/ansible/tmp \
			ANSIBLE_SSH_CONTROL_PATH_DIR=$state/ansible/cp ANSIBLE_RETRY_FILES_ENABLED=0 \
			ANSIBLE_NOCOLOR=1 ANSIBLE_FORCE_COLOR=0
		[[ $tool == gansible ]] && export GANSIBLE_ROUNDTRIPS=$roundtrips
		# Ansible's best case over a slow link: one ssh connection kept
		# per host, and modules piped to the interpreter, not copied.
		(( rtt_ms > 0 )) && export ANSIBLE_PIPELINING=1 ANSIBLE_SSH_ARGS="-o ControlMaster=auto -o ControlPersist=60s"
		exec /usr/bin/time -f '%e %U %S %M' -o "$timing" "${cmd[@]}"
	) >"$log" 2>&1 || rc=$?

	if (( rc != 0 )); then
		fail "$tag: $tool exited with $rc" "$log"
	elif ! recap_ok "$log" "${#hosts[@]}"; then
		fail "$tag: the recap does not show ${#hosts[@]} hosts without failures" "$log"
	else
		awk '{ printf "%s %.2f %s\n", $1, $2 + $3, $4 }' "$timing" >>"$work/results-$tool-$size"
		tasks_per_host "$log" >>"$work/tasks-$tool-$size"
		if [[ $tool == gansible ]]; then
			if ! roundtrips_per_task "$roundtrips" >>"$work/roundtrips-$size"; then
				fail "$tag: no round trips in $roundtrips" "$log"
			fi
		fi
		if (( n == 1 )); then
			"$testcluster" snapshot --state "$state" >"$work/snapshot-$tool-$size.json"
		fi
	fi
	stop_cluster
}

# recap_ok checks that the play recap lists COUNT hosts, none failed or
# unreachable.
recap_ok() {
	local log=$1 count=$2
	awk -v want="$count" '
		/^PLAY RECAP/ { recap = 1; next }
		recap && / : ok=/ {
			hosts++
			if ($0 !~ /unreachable=0 / || $0 !~ /failed=0 /) bad++
		}
		END { exit !(hosts == want && bad == 0) }' "$log"
}

# roundtrips_per_task prints the average round trips per host-task of a
# GANSIBLE_ROUNDTRIPS file (CSV host,task,round_trips: the count is the
# last field whatever commas a task name holds).
roundtrips_per_task() {
	awk -F, 'NR > 1 && $NF ~ /^[0-9]+$/ { sum += $NF; n++ }
		END { if (n == 0) exit 1; printf "%.2f\n", sum / n }' "$1"
}

# tasks_per_host prints the tasks a host ran (ok, failed and skipped of
# the recap), averaged over the hosts.
tasks_per_host() {
	awk '/^PLAY RECAP/ { recap = 1; next }
		recap && / : ok=/ {
			for (i = 1; i <= NF; i++) if ($i ~ /^(ok|failed|skipped)=/) { split($i, kv, "="); n += kv[2] }
			hosts++
		}
		END { if (hosts == 0) exit 1; printf "%.1f\n", n / hosts }' "$1"
}

# median prints the median of the numbers on stdin.
median() {
	sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) exit 1; print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# summarize SIZE RUNS prints the medians, the ratios and the comparison of
# what the two tools left on the hosts.
summarize() {
	local size=$1 runs=$2 tool file
	declare -A wall cpu rss good
	for tool in "${tools[@]}"; do
		file=$work/results-$tool-$size
		good[$tool]=$( [[ -f $file ]] && wc -l <"$file" || echo 0)
		if [[ ${good[$tool]} -gt 0 ]]; then
			wall[$tool]=$(cut -d' ' -f1 "$file" | median)
			cpu[$tool]=$(cut -d' ' -f2 "$file" | median)
			rss[$tool]=$(cut -d' ' -f3 "$file" | median)
		fi
	done

	printf '\n%d hosts, %d forks, +%d ms round trip: medians of %d runs per tool\n' "$size" "$forks" "$rtt_ms" "$runs"
	if (( rtt_ms > 0 )); then
		for tool in "${tools[@]}"; do
			[[ ${good[$tool]} -gt 0 && -s $work/tasks-$tool-$size ]] || continue
			awk -v w="${wall[$tool]}" -v rtt="$rtt_ms" -v t="$(median <"$work/tasks-$tool-$size")" -v tool="$tool" \
				'BEGIN { printf "  %-18s wall / RTT per task of a host: %.2f (%.1f tasks a host)\n", tool, w / (rtt / 1000) / t, t }'
		done
	fi
	local rt=-
	[[ -s $work/roundtrips-$size ]] && rt=$(median <"$work/roundtrips-$size")
	printf '  %-18s %10s %10s %14s %8s %16s\n' tool "wall (s)" "cpu (s)" "peak RSS (MB)" "good" "rt/host-task"
	for tool in "${tools[@]}"; do
		local trips=-
		[[ $tool == gansible ]] && trips=$rt
		if [[ ${good[$tool]} -gt 0 ]]; then
			printf '  %-18s %10.2f %10.2f %14.1f %5d/%d %16s\n' "$tool" "${wall[$tool]}" "${cpu[$tool]}" \
				"$(awk -v k="${rss[$tool]}" 'BEGIN { print k / 1024 }')" "${good[$tool]}" "$runs" "$trips"
		else
			printf '  %-18s %10s %10s %14s %5d/%d %16s\n' "$tool" - - - 0 "$runs" -
		fi
	done
	if [[ ${good[gansible]} -gt 0 && ${good[ansible-playbook]} -gt 0 ]]; then
		awk -v aw="${wall[ansible-playbook]}" -v gw="${wall[gansible]}" \
			-v ac="${cpu[ansible-playbook]}" -v gc="${cpu[gansible]}" \
			-v ar="${rss[ansible-playbook]}" -v gr="${rss[gansible]}" '
			function ratio(a, g) { return g > 0 ? sprintf("%.1fx", a / g) : "n/a" }
			BEGIN { printf "  ansible-playbook / gansible: wall %s, cpu %s, peak RSS %s\n", ratio(aw, gw), ratio(ac, gc), ratio(ar, gr) }'
	fi

	local gs=$work/snapshot-gansible-$size.json as=$work/snapshot-ansible-playbook-$size.json
	if [[ -f $gs && -f $as ]]; then
		if cmp -s "$gs" "$as"; then
			echo "  hosts after the first run: identical for both tools"
		else
			fail "$size hosts: the two tools left different files on the hosts (diff $gs $as)"
			diff "$gs" "$as" | head -n 40 >&2 || true
		fi
	fi
}

echo "== preparing $work"
mkdir -p "$work/logs"
"$testcluster" standins --out "$work/standins" >/dev/null
prepare_copy "$work/gansible"
prepare_copy "$work/ansible-playbook" adapt
echo "gansible:         $gansible (repo unmodified, hosts without Python)"
echo "ansible-playbook: $ansible_playbook ($("$ansible_playbook" --version | head -n 1), adapted copy, hosts with Python)"

for size in $sizes; do
	case $size in
	6) inventory=inventory runs=$runs_small ;;
	30) inventory=inventory-30 runs=$runs_large ;;
	*) die "BENCH_SIZES: no inventory for $size hosts (6 or 30)" ;;
	esac
	echo
	echo "== $size hosts: $runs runs per tool"
	for n in $(seq 1 "$runs"); do
		for tool in "${tools[@]}"; do
			printf '  run %d/%d %-18s' "$n" "$runs" "$tool"
			before=$failures
			run_once "$tool" "$size" "$inventory" "$n"
			if (( failures == before )); then
				trips=
				[[ $tool == gansible ]] && trips="  rt/host-task $(tail -n 1 "$work/roundtrips-$size")"
				tail -n 1 "$work/results-$tool-$size" | awk -v trips="$trips" '{ printf " wall %6.2f s  cpu %6.2f s  rss %6.1f MB%s\n", $1, $2, $3 / 1024, trips }'
			else
				echo " failed"
			fi
		done
	done
	summarize "$size" "$runs"
done

if (( failures > 0 )); then
	echo
	echo "bench: $failures check(s) FAILED; see above" >&2
	exit 1
fi
