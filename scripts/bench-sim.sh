#!/usr/bin/env bash
# Measures the controller alone on simulated hosts
# (ansible_connection=gansible_sim: in-process hosts over an in-memory
# filesystem, no sshd, process or socket per host), at each size of
# SIM_SIZES (default "1000 10000"), with forks equal to the host count.
#
# The inventory spreads the hosts over 20 groups under two parents, with
# group_vars and host vars; the playbook gathers facts and runs a file, a
# template (of host and group variables), a copy, a command with creates
# and a stat on every host, twice (the second play changes nothing, which
# is checked). For each size it prints wall time, control-side CPU
# (user+sys) per host-task, peak RSS and RSS per host beyond a one-host
# run. The simulated hosts run in the same process, so their shell
# interpreter is part of the CPU figure; SIM_PROFILE=1 also writes a CPU
# profile per size (GANSIBLE_CPUPROFILE) and prints the share of it spent
# in the simulated hosts, to take out of the controller's figure.
#
#   scripts/bench-sim.sh      (make bench-sim builds first, then runs this)
#
# Environment: SIM_SIZES, SIM_RUNS (default 1), GANSIBLE, BENCH_KEEP=1
# keeps the work dir. Raw figures: SIM_CSV=FILE appends them as CSV.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
gansible=$(realpath "${GANSIBLE:-$root/bin/gansible}")
sizes=${SIM_SIZES:-1000 10000}
runs=${SIM_RUNS:-1}
[[ -x $gansible ]] || { echo "bench-sim: $gansible is missing; run make build" >&2; exit 1; }
[[ -x /usr/bin/time ]] || { echo "bench-sim: /usr/bin/time (GNU time) not found" >&2; exit 1; }

work=$(mktemp -d /tmp/gansible-bench-sim.XXXXXX)
trap '[[ -n ${BENCH_KEEP:-} ]] && echo "bench-sim: kept $work" >&2 || rm -rf "$work"' EXIT

# The tasks of one play; the playbook runs them twice.
tasks_per_play=6 # facts or the assert, then five modules
cat > "$work/app.j2" <<'J2'
# {{ inventory_hostname }} ({{ ansible_hostname | default('') }})
region={{ region }}
tier={{ tier }}
groups={{ group_names | join(',') }}
peers={{ groups[group_names[0]] | length }}
port={{ app_port }}
J2
play() { # $1: gather_facts
	cat <<YAML
- hosts: fleet
  gather_facts: $1
  tasks:
    - file: path=/srv/app state=directory mode=0755
    - template: src=app.j2 dest=/srv/app/app.conf mode=0644
    - copy: content="static\n" dest=/srv/app/static.txt mode=0644
    - command: touch /srv/app/ran creates=/srv/app/ran
    - stat: path=/srv/app/app.conf
      register: conf
YAML
}
{ play true; play false; printf '    - assert: { that: [conf.stat.size > 40], quiet: true }\n'; } > "$work/site.yml"

inventory() { # $1: hosts
	local n=$1 dir=$work/inv-$1 g i
	mkdir -p "$dir/group_vars"
	{
		for g in $(seq 0 19); do
			printf '[g%02d]\n' "$g"
			for ((i = g; i < n; i += 20)); do printf 'h%05d app_port=%d\n' "$i" $((8000 + i % 100)); done
		done
		printf '[east:children]\n'; for g in $(seq 0 9); do printf 'g%02d\n' "$g"; done
		printf '[west:children]\n'; for g in $(seq 10 19); do printf 'g%02d\n' "$g"; done
		printf '[fleet:children]\neast\nwest\n'
		printf '[fleet:vars]\nansible_connection=gansible_sim\n'
	} > "$dir/hosts"
	printf 'region: us-east\n' > "$dir/group_vars/east.yml"
	printf 'region: us-west\n' > "$dir/group_vars/west.yml"
	printf 'tier: web\n' > "$dir/group_vars/fleet.yml"
	echo "$dir/hosts"
}

# run SIZE TAG: one run; prints "wall cpu rss".
run() {
	local n=$1 tag=$2 inv log=$work/$2.log timing=$work/$2.time
	inv=$(inventory "$n")
	local env=()
	[[ -n ${SIM_PROFILE:-} ]] && env=(GANSIBLE_CPUPROFILE="$work/$tag.pprof")
	(cd "$work" && env "${env[@]}" /usr/bin/time -f '%e %U %S %M' -o "$timing" \
		"$gansible" -i "$inv" -f "$n" site.yml > "$log" 2>&1) || { echo "bench-sim: run $tag failed, see $log" >&2; BENCH_KEEP=1; exit 1; }
	# Every host: facts, 5 changed, then 5 ok and the assert, nothing failed.
	local bad
	bad=$(grep -E '^h[0-9]+ +:' "$log" | grep -cv 'ok=12 .*changed=4 .*unreachable=0 .*failed=0' || true)
	local seen
	seen=$(grep -cE '^h[0-9]+ +:' "$log" || true)
	if [[ $bad != 0 || $seen != "$n" ]]; then
		echo "bench-sim: run $tag: $bad of $seen hosts did not converge as expected (want $n), see $log" >&2
		BENCH_KEEP=1
		exit 1
	fi
	read -r wall user sys rss < "$timing"
	echo "$wall $(echo "$user + $sys" | bc) $rss"
}

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

base=$(run 1 base)
base_rss=$(echo "$base" | awk '{print $3}')
printf '%-8s %10s %16s %12s %14s\n' hosts wall_s cpu_ms/host-task peak_rss_MB rss_KB/host
[[ -n ${SIM_CSV:-} && ! -s ${SIM_CSV:-} ]] && echo "hosts,wall_s,cpu_s,peak_rss_kb,cpu_ms_per_host_task,rss_kb_per_host,sim_cpu_share,controller_ms_per_host_task" > "$SIM_CSV"
for n in $sizes; do
	results=() sim= ctl=
	for r in $(seq 1 "$runs"); do results+=("$(run "$n" "n$n-r$r")"); done
	wall=$(printf '%s\n' "${results[@]}" | awk '{print $1}' | median)
	cpu=$(printf '%s\n' "${results[@]}" | awk '{print $2}' | median)
	rss=$(printf '%s\n' "${results[@]}" | awk '{print $3}' | median)
	host_tasks=$((n * tasks_per_play * 2))
	per_task=$(echo "scale=3; $cpu * 1000 / $host_tasks" | bc)
	per_host=$(echo "scale=1; ($rss - $base_rss) / $n" | bc)
	printf '%-8s %10s %16s %12s %14s\n' "$n" "$wall" "$per_task" "$((rss / 1024))" "$per_host"
	if [[ -n ${SIM_PROFILE:-} ]]; then
		prof=$work/n$n-r1.pprof
		go tool pprof -top -cum -nodecount=400 "$prof" 2>/dev/null > "$work/n$n.top" || true
		total=$(sed -n 's/.*Total samples = \([0-9.]*\)\(m\?s\).*/\1 \2/p' "$work/n$n.top" | awk '{print ($2 == "ms") ? $1 / 1000 : $1}')
		sim=$(awk '$NF == "github.com/gansible/gansible/simhost.(*Host).Run" {v = $4; print (v ~ /ms$/) ? v / 1000 : v + 0}' "$work/n$n.top")
		ctl=$(echo "scale=3; $cpu * ($total - ${sim:-0}) / $total * 1000 / $host_tasks" | bc)
		echo "         profile: ${sim:-0} s of ${total} s sampled in the simulated hosts; controller alone ~$ctl ms/host-task ($prof)"
	fi
	if [[ -n ${SIM_CSV:-} ]]; then
		echo "$n,$wall,$cpu,$rss,$per_task,$per_host,${sim:+$(echo "scale=3; $sim / $total" | bc)},${ctl:-}" >> "$SIM_CSV"
	fi
done
