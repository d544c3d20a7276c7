#!/usr/bin/env bash
# Many real hosts: a short playbook of common idempotent tasks (facts, a
# directory, a template, an already-installed package, an upstart job
# file and its service, a command with creates) on fresh test clusters of
# each size of SCALE_SIZES (default "6 30 100 300") with gansible, and of
# SCALE_ANSIBLE_SIZES (default "6 30 100") with ansible-playbook, forks =
# host count. Each tool runs twice per cluster: the first run converges
# the hosts, the second must report changed=0 everywhere; both must show
# no failed or unreachable host.
#
# It prints per size and run: the cluster's boot time and memory (PSS of
# its processes, see cluster-mem.sh), wall time, control-side CPU
# (user+sys of the tool and all it waited for, ssh included) per
# host-task, peak RSS and RSS per host beyond a one-host run, and the
# ratios gansible/ansible-playbook. Raw figures go to SCALE_CSV (default
# bench/scale.csv) and, with SCALE_SVG (default bench/scale.svg), a plot
# of CPU per host-task against hosts.
#
#   scripts/bench-scale.sh     (make bench-scale builds first, then runs this)
#
# Environment: SCALE_SIZES, SCALE_ANSIBLE_SIZES, SCALE_CSV, SCALE_SVG,
# BENCH_KEEP=1 keeps the work dir; GANSIBLE, TESTCLUSTER, ANSIBLE_PLAYBOOK.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
gansible=$(realpath "${GANSIBLE:-$root/bin/gansible}")
testcluster=$(realpath "${TESTCLUSTER:-$root/bin/gansible-testcluster}")
ansible_playbook=${ANSIBLE_PLAYBOOK:-$(command -v ansible-playbook || true)}
sizes=${SCALE_SIZES-6 30 100 300}
ansible_sizes=${SCALE_ANSIBLE_SIZES-6 30 100}
csv=${SCALE_CSV:-$root/bench/scale.csv}
svg=${SCALE_SVG:-$root/bench/scale.svg}
die() { echo "bench-scale: $*" >&2; exit 1; }
[[ -x $gansible && -x $testcluster ]] || die "run make build first"
[[ -x /usr/bin/time ]] || die "/usr/bin/time (GNU time) not found"
[[ -z $ansible_sizes || -x $ansible_playbook ]] || die "ansible-playbook not found"

work=$(mktemp -d /tmp/gansible-bench-scale.XXXXXX)
state=
cleanup() {
	local rc=$?
	[[ -n $state ]] && "$testcluster" stop --state "$state" >/dev/null 2>&1 || true
	if (( rc == 0 )) && [[ -z ${BENCH_KEEP:-} ]]; then rm -rf "$work"; else echo "bench-scale: kept $work" >&2; fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

tasks_per_run=7 # facts and six tasks
cat > "$work/app.j2" <<'J2'
# {{ inventory_hostname }} ({{ ansible_hostname }})
peers={{ groups['all'] | length }}
J2
cat > "$work/site.yml" <<'YAML'
- hosts: all
  become: true
  gather_facts: true
  tasks:
    - name: a directory
      file: path=/srv/bench state=directory mode=0755
    - name: a template
      template: src=app.j2 dest=/srv/bench/app.conf mode=0644
    - name: an installed package
      yum: name=mesos state=present
    - name: a job
      copy:
        content: "description \"bench job\"\nexec /bin/true\n"
        dest: /etc/init/bench-job.conf
    - name: a service
      service: name=bench-job state=started
    - name: a command with creates
      command: touch /srv/bench/ran creates=/srv/bench/ran
YAML

# Before the runs, each cluster gets the stand-in mesos rpm installed (by
# rpm itself, not timed), so that the package task finds it installed.
cat > "$work/prepare.yml" <<YAML
- hosts: all
  become: true
  gather_facts: false
  tasks:
    - copy: src=$work/standins/mesos-0.21.0-1.0.rpm dest=/tmp/bench.rpm
    - shell: rpm -q mesos || rpm -i /tmp/bench.rpm
YAML
"$testcluster" standins --out "$work/standins" > "$work/standins.log" 2>&1 || die "building the stand-ins failed, see $work/standins.log"

# run TOOL N TAG: one run on the running cluster; checks the recap (want:
# "converge" or "idempotent") and prints "wall cpu rss_kb".
run() {
	local tool=$1 n=$2 tag=$3 want=$4 log=$work/$3.log timing=$work/$3.time
	local -a cmd
	case $tool in
	gansible) cmd=("$gansible") ;;
	ansible-playbook) cmd=("$ansible_playbook") ;;
	esac
	(
		cd "$work"
		export ANSIBLE_HOME=$state/ansible ANSIBLE_LOCAL_TEMP=$state/ansible/tmp \
			ANSIBLE_SSH_CONTROL_PATH_DIR=$state/ansible/cp ANSIBLE_RETRY_FILES_ENABLED=0 \
			ANSIBLE_NOCOLOR=1 ANSIBLE_FORCE_COLOR=0
		exec /usr/bin/time -f '%e %U %S %M' -o "$timing" "${cmd[@]}" site.yml -i "$state/cluster-hosts.yml" -f "$n"
	) > "$log" 2>&1 || die "$tag: $tool failed, see $log"
	local seen bad
	seen=$(grep -cE '^[^ ]+ +: ok=' "$log" || true)
	bad=$(grep -E '^[^ ]+ +: ok=' "$log" | grep -cvE 'unreachable=0 +failed=0' || true)
	if [[ $want == idempotent ]]; then
		bad=$((bad + $(grep -E '^[^ ]+ +: ok=' "$log" | grep -cv 'changed=0 ' || true)))
	fi
	[[ $seen == "$n" && $bad == 0 ]] || die "$tag: $bad of $seen hosts (want $n) not as expected ($want), see $log"
	awk '{ printf "%s %.2f %s\n", $1, $2 + $3, $4 }' "$timing"
}

# cluster TOOL N: boots N fresh hosts for TOOL and sets state, boot (s)
# and pss (the cluster's memory, KB). Run it in this shell, not in $(...).
cluster() {
	local tool=$1 n=$2 flags=() t0 t1
	[[ $tool == ansible-playbook ]] && flags=(--python)
	state=$work/cluster-$tool-$n
	t0=$(date +%s.%N)
	"$testcluster" start --state "$state" --standins "$work/standins" --hosts "$(seq -f 'h%04g' 1 "$n" | paste -sd,)" "${flags[@]}" \
		> "$work/cluster-$tool-$n.start" 2>&1 || die "the $n-host cluster did not start, see $work/cluster-$tool-$n.start"
	t1=$(date +%s.%N)
	boot=$(echo "$t1 - $t0" | bc)
	(cd "$work" && "$gansible" prepare.yml -i "$state/cluster-hosts.yml" -f "$n") > "$work/prepare-$tool-$n.log" 2>&1 ||
		die "installing the package on the $n hosts failed, see $work/prepare-$tool-$n.log"
	pss=$("$root/scripts/cluster-mem.sh" "$state" | sed -n 's/.* pss_kb=\([0-9]*\) .*/\1/p')
}

stop() { "$testcluster" stop --state "$state" >/dev/null 2>&1 || true; state=; }

mkdir -p "$(dirname "$csv")"
echo "tool,hosts,run,boot_s,cluster_pss_kb,wall_s,cpu_s,peak_rss_kb,cpu_ms_per_host_task,rss_kb_per_host" > "$csv"
printf '%-17s %5s %-10s %7s %10s %8s %14s %9s %11s\n' tool hosts run boot_s cluster_MB wall_s cpu_ms/htask rss_MB rss_KB/host
declare -A base
for tool in gansible ansible-playbook; do
	list=$sizes
	[[ $tool == ansible-playbook ]] && list=$ansible_sizes
	[[ -n $list ]] || continue
	# The base: the same playbook on one host.
	cluster "$tool" 1
	run "$tool" 1 "$tool-1-converge" converge > /dev/null
	base[$tool]=$(run "$tool" 1 "$tool-1-idem" idempotent | awk '{print $3}')
	stop
	for n in $list; do
		cluster "$tool" "$n"
		for r in converge idempotent; do
			read -r wall cpu rss < <(run "$tool" "$n" "$tool-$n-$r" "$r")
			per_task=$(echo "scale=3; $cpu * 1000 / ($n * $tasks_per_run)" | bc)
			per_host=$(echo "scale=1; ($rss - ${base[$tool]}) / $n" | bc)
			echo "$tool,$n,$r,$boot,$pss,$wall,$cpu,$rss,$per_task,$per_host" >> "$csv"
			printf '%-17s %5s %-10s %7.1f %10s %8s %14s %9s %11s\n' "$tool" "$n" "$r" "$boot" "$((pss / 1024))" "$wall" "$per_task" "$((rss / 1024))" "$per_host"
		done
		stop
	done
done

# Ratios, ansible-playbook / gansible, where both ran.
echo
printf '%-6s %-10s %12s %12s\n' hosts run wall_ratio cpu_ratio
awk -F, 'NR > 1 { k = $2 "," $3; if ($1 == "gansible") { gw[k] = $6; gc[k] = $7 } else { aw[k] = $6; ac[k] = $7 } }
	END { for (k in aw) if (k in gw) { split(k, p, ","); printf "%-6s %-10s %11.1fx %11.1fx\n", p[1], p[2], aw[k] / gw[k], ac[k] / gc[k] } }' "$csv" | sort -n
[[ -n $svg ]] && "$root/scripts/plot-scale.sh" "$csv" > "$svg" && echo "plot: $svg"
