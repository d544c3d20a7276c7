package testcluster

import (
	"context"
	"fmt"
	"os/exec"
	"strconv"
)

// RootCommand returns a command that runs argv as root inside host: in
// its namespaces and chrooted to its root, as a process of the host's own
// would. Mounts it makes stay in the host and go with it, which lets
// tests give one host a small or read-only filesystem.
func (c *Cluster) RootCommand(ctx context.Context, host string, argv ...string) (*exec.Cmd, error) {
	h, ok := c.byName[host]
	if !ok {
		return nil, fmt.Errorf("no host %q in the cluster", host)
	}
	c.mu.Lock()
	pid := h.PID
	c.mu.Unlock()
	if pid == 0 || !c.owns(h, pid) {
		return nil, fmt.Errorf("host %s is not running", host)
	}
	args := append([]string{"--target", strconv.Itoa(pid), "--mount", "--uts", "--ipc", "--pid", "--", "chroot", c.Root(host)}, argv...)
	cmd := exec.CommandContext(ctx, "nsenter", args...)
	cmd.Env = []string{"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C"}
	return cmd, nil
}
