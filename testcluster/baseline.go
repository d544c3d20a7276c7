package testcluster

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// PlaybookRun is the outcome of one run of the mesos playbook.
type PlaybookRun struct {
	Output string
	Recap  map[string]Recap
	// Snapshots are the hosts' changes since they started, by host.
	Snapshots map[string]map[string]FileInfo
}

// RunAnsibleBaseline runs real ansible-playbook on an adapted copy of the
// mesos repo, runs times in a row on one fresh cluster of MesosHosts with
// Python visible, and returns each run's outcome. The cluster lives in
// stateDir and is stopped before returning. Stand-ins are built in
// standinDir unless present; a gansible run that shares standinDir gets
// byte-identical packages and so comparable snapshots.
func RunAnsibleBaseline(ctx context.Context, stateDir, standinDir string, runs int) (results []PlaybookRun, err error) {
	if !fileExists(filepath.Join(standinDir, MesosRPM)) || !fileExists(filepath.Join(standinDir, ZookeeperTGZ)) {
		if err := BuildStandins(ctx, standinDir); err != nil {
			return nil, err
		}
	}
	c, err := Start(ctx, Options{Hosts: MesosHosts, StateDir: stateDir, Python: true, StandinDir: standinDir})
	if err != nil {
		return nil, err
	}
	defer func() {
		if serr := c.Stop(); serr != nil {
			err = errors.Join(err, fmt.Errorf("stopping cluster: %w", serr))
		}
	}()
	repo := filepath.Join(stateDir, "repo")
	if err := PrepareRepo(MesosRepo(), repo, standinDir, true); err != nil {
		return nil, err
	}
	// ansible.cfg is ignored in a world-writable directory.
	if err := os.Chmod(repo, 0o700); err != nil {
		return nil, err
	}
	for i := 0; i < runs; i++ {
		out, runErr := c.AnsiblePlaybook(ctx, repo).CombinedOutput()
		run := PlaybookRun{Output: string(out)}
		if runErr != nil {
			return results, fmt.Errorf("ansible-playbook run %d: %w\n%s", i+1, runErr, out)
		}
		if run.Recap, err = ParseRecap(run.Output); err != nil {
			return results, fmt.Errorf("run %d: %w", i+1, err)
		}
		if run.Snapshots, err = c.SnapshotAll(); err != nil {
			return results, err
		}
		results = append(results, run)
	}
	return results, nil
}
