package testcluster

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
)

// MesosRepo is the playbook repo the tests run, unless GANSIBLE_MESOS_REPO
// names another copy.
func MesosRepo() string {
	if dir := os.Getenv("GANSIBLE_MESOS_REPO"); dir != "" {
		return dir
	}
	return "/work/shared/mesos-ansible"
}

// MesosHosts are the hosts of the mesos repo's inventory.
var MesosHosts = []string{
	"cent01.lab.hdlocal", "cent02.lab.hdlocal", "cent03.lab.hdlocal",
	"slave1.lab.hdlocal", "slave2.lab.hdlocal", "slave3.lab.hdlocal",
}

// PrepareRepo copies the playbook repo src (without .git) to dst and puts
// the stand-ins of standinDir into roles/mesos/files. With forAnsible it
// also makes the two edits ansible-core 2.14 needs to accept the repo
// (see AdaptForAnsible).
func PrepareRepo(src, dst, standinDir string, forAnsible bool) error {
	if err := copyTree(src, dst); err != nil {
		return fmt.Errorf("copy %s: %w", src, err)
	}
	files := filepath.Join(dst, "roles", "mesos", "files")
	if err := os.MkdirAll(files, 0o755); err != nil {
		return err
	}
	for _, name := range []string{MesosRPM, ZookeeperTGZ} {
		if err := copyFile(filepath.Join(standinDir, name), filepath.Join(files, name)); err != nil {
			return fmt.Errorf("stand-in %s (BuildStandins first): %w", name, err)
		}
	}
	if forAnsible {
		return AdaptForAnsible(dst)
	}
	return nil
}

var (
	includeLine = regexp.MustCompile(`(?m)^(\s*-\s*)include:`)
	sudoLine    = regexp.MustCompile(`(?m)^(\s*)sudo:`)
)

// AdaptForAnsible rewrites the two lines of the repo in dir that modern
// ansible-core refuses, and nothing else: "- include:" of a playbook in
// site.yml becomes "- import_playbook:", "sudo:" in cluster.yml becomes
// "become:".
func AdaptForAnsible(dir string) error {
	edits := []struct {
		file string
		re   *regexp.Regexp
		repl string
	}{
		{"site.yml", includeLine, "${1}import_playbook:"},
		{"cluster.yml", sudoLine, "${1}become:"},
	}
	for _, e := range edits {
		path := filepath.Join(dir, e.file)
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if !e.re.Match(b) {
			return fmt.Errorf("%s: nothing to adapt", path)
		}
		if err := os.WriteFile(path, e.re.ReplaceAll(b, []byte(e.repl)), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// AnsiblePlaybook returns the ansible-playbook command that runs
// site.yml of the prepared repo dir against the cluster, as the repo's
// README says (-i inventory, user ansible), with the cluster's inventory
// added. Ansible's local files (temp dirs, ssh control sockets) go to the
// state dir rather than ~/.ansible.
func (c *Cluster) AnsiblePlaybook(ctx context.Context, dir string, args ...string) *exec.Cmd {
	full := append([]string{"site.yml", "-i", "inventory", "-i", c.InventoryFile(), "-u", c.user.name}, args...)
	cmd := exec.CommandContext(ctx, "ansible-playbook", full...)
	cmd.Dir = dir
	home := filepath.Join(c.stateDir, "ansible")
	cmd.Env = append(os.Environ(),
		"ANSIBLE_HOME="+home,
		"ANSIBLE_LOCAL_TEMP="+filepath.Join(home, "tmp"),
		"ANSIBLE_SSH_CONTROL_PATH_DIR="+filepath.Join(home, "cp"),
		"ANSIBLE_RETRY_FILES_ENABLED=0",
		"ANSIBLE_NOCOLOR=1",
		"ANSIBLE_FORCE_COLOR=0",
	)
	return cmd
}

// copyTree copies the regular files, directories and symlinks of src to
// dst, skipping .git.
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == ".git" {
			return filepath.SkipDir
		}
		target := filepath.Join(dst, rel)
		switch {
		case d.IsDir():
			return os.MkdirAll(target, 0o755)
		case d.Type()&fs.ModeSymlink != 0:
			link, err := os.Readlink(path)
			if err != nil {
				return err
			}
			return os.Symlink(link, target)
		case d.Type().IsRegular():
			return copyFile(path, target)
		default:
			return nil
		}
	})
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	fi, err := in.Stat()
	if err != nil {
		return err
	}
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, fi.Mode().Perm())
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// Recap is one host's line of a PLAY RECAP.
type Recap struct {
	OK          int `json:"ok" yaml:"ok"`
	Changed     int `json:"changed" yaml:"changed"`
	Unreachable int `json:"unreachable" yaml:"unreachable"`
	Failed      int `json:"failed" yaml:"failed"`
	Skipped     int `json:"skipped" yaml:"skipped"`
	Rescued     int `json:"rescued" yaml:"rescued"`
	Ignored     int `json:"ignored" yaml:"ignored"`
}

var recapLine = regexp.MustCompile(`^(\S+)\s*:\s*((?:\w+=\d+\s*)+)$`)

// ParseRecap reads the PLAY RECAP of ansible-playbook output, by host.
func ParseRecap(output string) (map[string]Recap, error) {
	i := strings.LastIndex(output, "PLAY RECAP")
	if i < 0 {
		return nil, fmt.Errorf("no PLAY RECAP in output")
	}
	recaps := map[string]Recap{}
	for _, line := range strings.Split(output[i:], "\n")[1:] {
		m := recapLine.FindStringSubmatch(strings.TrimSpace(line))
		if m == nil {
			continue
		}
		var r Recap
		for _, kv := range strings.Fields(m[2]) {
			k, v, _ := strings.Cut(kv, "=")
			var n int
			fmt.Sscan(v, &n)
			switch k {
			case "ok":
				r.OK = n
			case "changed":
				r.Changed = n
			case "unreachable":
				r.Unreachable = n
			case "failed":
				r.Failed = n
			case "skipped":
				r.Skipped = n
			case "rescued":
				r.Rescued = n
			case "ignored":
				r.Ignored = n
			}
		}
		recaps[m[1]] = r
	}
	if len(recaps) == 0 {
		return nil, fmt.Errorf("empty PLAY RECAP")
	}
	return recaps, nil
}
