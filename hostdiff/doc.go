// Package hostdiff compares gansible with ansible-playbook on real hosts
// of the test cluster (package testcluster), for modules that change a
// host where difftest's local, write-under-a-temp-dir cases cannot go:
// users, services, packages, files under /etc owned by root.
//
// Each case under testdata/cases is a txtar archive holding a small
// playbook project. The harness gives every host of every case a fresh
// cluster host, writes the inventory (hosts h1..hN in group targets,
// reached over SSH as the cluster's user ansible, with become through
// sudo available), and runs the case's runs one after the other on those
// hosts. After each run it keeps:
//
//   - the exit code and the PLAY RECAP counts;
//   - each task result as -v prints it ("changed: [h1] => {json}",
//     "fatal: [h1]: FAILED! => {json}", loop items with their label):
//     task number and header, host, item, status (ok, changed, failed,
//     skipped, unreachable) and the compared fields of the JSON, taken
//     with a JSON decoder from the "=> " on, so results printed over
//     several lines (debug, verbose_always modules) read the same; and
//     the diff printed before the result (runs with --diff);
//   - each host's filesystem changes since it booted: the overlay upper
//     dir (testcluster.Snapshot: path, type, mode, owner, content or
//     sha256), minus testcluster.IsNoise (temp dirs and ~/.ansible of both
//     tools, __pycache__, package databases, login records) and the home
//     dirs that logging in touches.
//
// What differs between any two runs whatever the playbook does is
// normalized in all of these: the hosts' addresses (@ADDR_h1@), the
// run's project and home dirs (@PROJECT@, @HOME@), the cluster's state
// and stand-in dirs (@STATE@, @STANDINS@), paths under either tool's
// temp dirs (@TMP@), the time in backup file names (.@BACKUP@~), the
// random part of tempfile's names with its default prefix
// (ansible.@TEMPNAME@), and the
// ids of the cluster's user, which depend on the machine's own users
// (uid and gid 2000, in the filesystem changes and in fields named uid or
// gid).
// Result ordering between hosts of one task is by host name. Paths that
// normalize alike (two backups of one file) get " #2", " #3"... in the
// order of their content.
//
// Recording. make record-hosts (CASE=name, or CASE='a|b') boots one
// cluster with Python visible, one host per case host (a batch of 30 at
// most per cluster), runs ansible-playbook on the cases, a few at once,
// and writes testdata/recorded/NAME.txtar: a header with the ansible-core
// version and a sum of the case's bytes, then one section "run N KIND"
// per run holding what was kept as indented JSON. The recordings are
// regenerated, never edited; commit them with the case.
//
// Replay. Plain go test ./hostdiff/ (no root, no Ansible) checks that
// every case parses and has a current recording ("run make
// record-hosts CASE=x" otherwise). Under GANSIBLE_E2E=1 (root; make test
// runs it) TestReplay boots one cluster without Python, runs gansible on
// every case in parallel on their own hosts, and compares each run with
// the recording: exit code, recap, every task result's status and
// fields, diffs, files.
//
// Usage, from the repository root:
//
//	go test ./hostdiff/
//	make record-hosts CASE=file_etc
//	GANSIBLE_E2E=1 go test -count=1 -timeout 30m ./hostdiff/
//	GANSIBLE_E2E=1 go test -count=1 -run TestReplay ./hostdiff/ -case 'file_.*'
//
// GANSIBLE_BIN=path replays a prebuilt binary instead of building
// ./cmd/gansible. -case REGEXP (whole name) selects cases in both tests.
//
// Case format: a comment saying what the case shows, the files of the
// project (site.yml required; no inventory: the harness writes it;
// @STANDINS@ in any file is the dir of testcluster's stand-in packages,
// e.g. @STANDINS@/mesos-0.21.0-1.0.rpm; @APTREPO@ and @DNFREPO@ are the
// URLs of the cluster's apt and dnf repositories of stand-in packages,
// which no host lists until a case adds them:
// "deb [trusted=yes] @APTREPO@ gansible main" in sources.list.d, or a
// yum.repos.d entry with baseurl=@DNFREPO@ (see testcluster.BuildRepos);
// @HTTP@ is the base URL of the cluster's fixed HTTP endpoints for
// get_url and uri (files with known sums, JSON, an echo of the request,
// status codes, basic auth, redirects: see testcluster.HTTPURL),
// plus these optional sections:
//
//	-- args --     extra arguments, one per line, for every run
//	-- runs --     the runs in order, one per line (default: check, apply,
//	               again):
//	                 apply  a plain run
//	                 again  a plain run after another; its recap shows
//	                        whether the second run is idempotent as
//	                        Ansible's
//	                 check  --check --diff: check mode and its diffs. It
//	                        comes first by default, on the fresh host,
//	                        where check mode has something to predict;
//	                        list check after apply to check a converged
//	                        host instead
//	                 diff   --diff: a plain run showing its diffs
//	-- hosts --    the number of hosts, 1 to 4 (default 1): h1..hN
//	-- fields --   result fields compared besides changed, failed, rc and
//	               msg, one per line (e.g. dest, mode, owner, stdout);
//	               a dotted name reaches into a nested result
//	               (stat.mode, stat.exists)
//	-- flavour --  what the hosts look like: centos (the default, the
//	               cluster's CentOS 8 look) or debian (the machine's own
//	               Debian release files, apt and dpkg, no CentOS files;
//	               see testcluster.FlavourDebian)
//	-- repo --     "listed": before the first run, the hosts list the
//	               cluster's package repository of their flavour and, on
//	               Debian hosts, have its apt cache (testcluster's
//	               ListRepo: /etc/apt/sources.list.d/gansible.list or
//	               /etc/yum.repos.d/gansible.repo, repo id gansible)
//	-- service-manager --
//	               the hosts' service manager: upstart (the default:
//	               initctl and the SysV stand-ins) or systemd (PID 1
//	               named systemd and the systemctl stand-in; see
//	               testcluster.Options.ServiceManager)
//	-- python --   "visible": gansible's hosts show the machine's Python
//	               too (testcluster.Options.Pythons), for modules that
//	               drive a Python program of the host (pip with the
//	               host's python3 -m pip or a venv)
//
// /etc/hosts lists every host of the cluster after the machine's own
// /etc/hosts, and the machine's own files under /etc (motd, issue,
// login.defs) are the machine's: a case that changes them records what
// depends on the cases run beside it and on the machine. Change the
// files the cluster gives every host instead (/etc/hostname,
// /etc/os-release, /etc/redhat-release, /etc/centos-release,
// /etc/rpm/macros) or files the case creates. Backups need the latter
// too: Ansible's backup copies a file's attributes, and the ext4 extent
// flag of the machine's files cannot be set on the hosts' tmpfs
// ("chattr failed").
//
// Each case owns its hosts, so cases may change anything on them:
// /etc, users, services (the init stand-ins record requests in
// /var/log/gansible-init.log, which the snapshot compares), packages
// (the stand-in rpm, through yum). Keep out of what a case compares
// anything that differs from run to run (times, random names): a field
// like "delta" or "start" should not be listed.
package hostdiff
