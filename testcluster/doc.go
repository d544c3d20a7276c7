// Package testcluster runs a local cluster of SSH hosts that look like the
// CentOS hosts of the mesos-ansible playbooks, and compares what playbook
// runs leave on them.
//
// Each host is a real OpenSSH sshd on its own loopback address
// (127.0.1.N, port 22), started in fresh mount, pid, uts and ipc
// namespaces and chrooted into an overlay over the machine's whole root.
// The overlay stacks, from the top: the host's upper dir (everything a
// playbook changes), a per-host layer (hostname, host key, sshd config), a
// layer shared by the cluster (the "ansible" user, CentOS release files,
// init stand-ins, whiteouts hiding Debian's service tools and, by default,
// every Python) and finally the machine's root. All layers live on a tmpfs
// inside the state dir, so nothing reaches the machine's own files.
//
// Hosts reboot as far as a host can be seen to from outside: the
// shutdown and reboot stand-ins give the host a new boot id and drop
// every connection (assets/standin-init/shutdown).
//
// The package also builds stand-ins for the artefacts the playbook
// repos do not ship and a small git repository with fixed commit ids
// (BuildStandins), serves apt and dnf repositories of small stand-in
// packages over HTTP on a loopback address (BuildRepos, ListRepo), with
// fixed endpoints for HTTP clients beside them (HTTPURL),
// prepares copies of the repo (PrepareRepo) and snapshots and diffs what
// runs changed (Snapshot, Diff).
package testcluster
