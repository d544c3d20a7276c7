// Package factcache keeps hosts' facts between runs, as Ansible's fact
// cache plugins do: memory (nothing kept past the run) and jsonfile (one
// JSON file per host in a directory, read back while younger than the
// timeout).
package factcache

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gansible/gansible/output"
	"github.com/gansible/gansible/value"
	"github.com/gansible/gansible/yamlvalue"
)

// Cache stores each host's facts under the names modules return them by
// (ansible_hostname, gather_subset, a cacheable set_fact's name).
type Cache interface {
	// Get returns the host's cached facts; ok is false when there are
	// none, or they are older than the timeout.
	Get(host string) (facts map[string]any, ok bool, err error)
	Set(host string, facts map[string]any) error
	Delete(host string) error
	// Flush forgets every host's facts (--flush-cache).
	Flush() error
}

// Settings are the fact_caching options of ansible.cfg.
type Settings struct {
	Plugin     string        // fact_caching: memory (default) or jsonfile
	Connection string        // fact_caching_connection: jsonfile's directory
	Prefix     string        // fact_caching_prefix: before each file's host name
	Timeout    time.Duration // fact_caching_timeout; 0 never expires
}

// New opens the cache the settings name.
func New(s Settings) (Cache, error) {
	switch strings.TrimPrefix(strings.TrimPrefix(s.Plugin, "ansible.builtin."), "community.general.") {
	case "", "memory":
		return memory{}, nil
	case "jsonfile":
		if s.Connection == "" {
			return nil, fmt.Errorf("error, 'jsonfile' cache plugin requires the 'fact_caching_connection' config option to be set (to a writeable directory path)")
		}
		if err := os.MkdirAll(s.Connection, 0o755); err != nil {
			return nil, fmt.Errorf("error in 'jsonfile' cache plugin while trying to create cache dir %s : %v", s.Connection, err)
		}
		return &jsonFile{dir: s.Connection, prefix: s.Prefix, timeout: s.Timeout, now: time.Now}, nil
	}
	return nil, fmt.Errorf("the fact cache plugin '%s' (fact_caching) is not supported by gansible (memory and jsonfile are)", s.Plugin)
}

// memory keeps nothing beyond the run: the run's own host state holds the
// facts while it lasts.
type memory struct{}

func (memory) Get(string) (map[string]any, bool, error) { return nil, false, nil }
func (memory) Set(string, map[string]any) error         { return nil }
func (memory) Delete(string) error                      { return nil }
func (memory) Flush() error                             { return nil }

// jsonFile is Ansible's jsonfile plugin: DIR/PREFIXHOST holds the host's
// facts as json.dumps(sort_keys=True, indent=4) writes them.
type jsonFile struct {
	dir, prefix string
	timeout     time.Duration
	now         func() time.Time
}

func (c *jsonFile) path(host string) string { return filepath.Join(c.dir, c.prefix+host) }

func (c *jsonFile) Get(host string) (map[string]any, bool, error) {
	path := c.path(host)
	fi, err := os.Stat(path)
	if os.IsNotExist(err) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	if c.timeout > 0 && c.now().Sub(fi.ModTime()) > c.timeout {
		return nil, false, nil
	}
	root, err := yamlvalue.ParseFile(path)
	if err != nil {
		return nil, false, fmt.Errorf("error while trying to read %s : %v", path, err)
	}
	if root == nil {
		return nil, false, nil
	}
	v, err := yamlvalue.Decode(path, root)
	if err != nil {
		return nil, false, err
	}
	facts, ok := v.(*value.Dict)
	if !ok {
		return nil, false, fmt.Errorf("error while trying to read %s : not a JSON object", path)
	}
	return facts.Map(), true, nil
}

// Set writes the host's file whole: a temporary file beside it, renamed
// over it, so that a reader never sees half of it.
func (c *jsonFile) Set(host string, facts map[string]any) error {
	path := c.path(host)
	tmp, err := os.CreateTemp(c.dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("error in 'jsonfile' cache plugin while trying to write to %s : %v", path, err)
	}
	_, err = tmp.WriteString(output.JSON(facts, 4))
	if err == nil {
		err = tmp.Chmod(0o600)
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("error in 'jsonfile' cache plugin while trying to write to %s : %v", path, err)
	}
	return nil
}

func (c *jsonFile) Delete(host string) error {
	if err := os.Remove(c.path(host)); err != nil && !os.IsNotExist(err) {
		return err
	}
	return nil
}

// Flush removes the cached hosts' files: those with the prefix, not
// others that share the directory.
func (c *jsonFile) Flush() error {
	entries, err := os.ReadDir(c.dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if e.Type().IsRegular() && strings.HasPrefix(e.Name(), c.prefix) && !strings.HasPrefix(e.Name(), ".") {
			if err := os.Remove(filepath.Join(c.dir, e.Name())); err != nil {
				return err
			}
		}
	}
	return nil
}
