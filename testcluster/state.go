package testcluster

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// savedState is what cluster.json records, so that another process (the
// command line tool, or a rerun after a crash) can find and stop a cluster.
type savedState struct {
	Python     bool    `json:"python"`
	StandinDir string  `json:"standin_dir"`
	User       string  `json:"user"`
	UID        int     `json:"uid"`
	GID        int     `json:"gid"`
	Hosts      []*Host `json:"hosts"`
	// RepoServer is the package repository server.
	RepoServer *repoServer `json:"repo_server,omitempty"`
}

const stateFile = "cluster.json"

func (c *Cluster) save() error {
	c.mu.Lock()
	b, err := json.MarshalIndent(savedState{
		Python:     c.python,
		StandinDir: c.standinDir,
		User:       c.user.name,
		UID:        c.user.uid,
		GID:        c.user.gid,
		Hosts:      c.hosts,
		RepoServer: c.repo,
	}, "", "  ")
	c.mu.Unlock()
	if err != nil {
		return err
	}
	tmp := filepath.Join(c.stateDir, stateFile+".tmp")
	if err := os.WriteFile(tmp, append(b, '\n'), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(c.stateDir, stateFile))
}

// Load returns the cluster recorded in stateDir, running or not. Its Stop
// works like the one of the process that started it.
func Load(stateDir string) (*Cluster, error) {
	stateDir, err := filepath.Abs(stateDir)
	if err != nil {
		return nil, err
	}
	b, err := os.ReadFile(filepath.Join(stateDir, stateFile))
	if err != nil {
		return nil, err
	}
	var s savedState
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(stateDir, stateFile), err)
	}
	c := &Cluster{
		stateDir:   stateDir,
		standinDir: s.StandinDir,
		python:     s.Python,
		user:       user{name: s.User, uid: s.UID, gid: s.GID},
		hosts:      s.Hosts,
		repo:       s.RepoServer,
		byName:     map[string]*Host{},
		exited:     map[string]chan struct{}{},
	}
	for _, h := range c.hosts {
		c.byName[h.Name] = h
	}
	return c, nil
}
