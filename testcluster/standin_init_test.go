package testcluster

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestInitStandins replays testdata/standin-init.txt against the scripts
// the hosts get, relocated into a temporary root.
func TestInitStandins(t *testing.T) {
	root := t.TempDir()
	bin := filepath.Join(root, "sbin")
	for _, dir := range []string{"etc/rc.d/init.d", "etc/init", "sbin"} {
		if err := os.MkdirAll(filepath.Join(root, dir), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	writeAsset := func(name, dst string, mode os.FileMode) {
		b, err := hostAssets.ReadFile("assets/standin-init/" + name)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst, b, mode); err != nil {
			t.Fatal(err)
		}
	}
	writeAsset("lib.sh", filepath.Join(root, "lib.sh"), 0o644)
	for _, tool := range []string{"service", "chkconfig", "initctl"} {
		writeAsset(tool, filepath.Join(bin, tool), 0o755)
	}
	for _, alias := range []string{"start", "stop", "restart", "status"} {
		if err := os.Symlink("initctl", filepath.Join(bin, alias)); err != nil {
			t.Fatal(err)
		}
	}
	zookeeper, err := os.ReadFile("testdata/zookeeper.init")
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(root, "etc/rc.d/init.d/zookeeper"), zookeeper, 0o755)
	os.WriteFile(filepath.Join(root, "etc/init/mesos-master.conf"), []byte("description \"mesos master\"\n"), 0o644)

	f, err := os.Open("testdata/standin-init.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var wantLog []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.SplitN(line, "\t", 3)
		if len(fields) != 3 {
			t.Fatalf("bad line %q", line)
		}
		wantStatus, err := strconv.Atoi(fields[1])
		if err != nil {
			t.Fatalf("bad line %q", line)
		}
		args := strings.Fields(fields[0])
		cmd := exec.Command(filepath.Join(bin, args[0]), args[1:]...)
		cmd.Env = append(os.Environ(), "STANDIN_ROOT="+root, "STANDIN_LIB="+filepath.Join(root, "lib.sh"))
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		status := 0
		if err := cmd.Run(); err != nil {
			var exit *exec.ExitError
			if !errors.As(err, &exit) {
				t.Fatalf("%s: %v", fields[0], err)
			}
			status = exit.ExitCode()
		}
		if status != wantStatus || !strings.Contains(out.String(), fields[2]) {
			t.Errorf("%s: exit %d, output %q; want exit %d, output containing %q", fields[0], status, out.String(), wantStatus, fields[2])
		}
		if isStateChange(args) {
			wantLog = append(wantLog, fields[0])
		}
	}
	log, _ := os.ReadFile(filepath.Join(root, "var/log/gansible-init.log"))
	if got := strings.Split(strings.TrimSpace(string(log)), "\n"); strings.Join(got, "\n") != strings.Join(normalizeLog(wantLog), "\n") {
		t.Errorf("log:\n%s\nwant:\n%s", log, strings.Join(normalizeLog(wantLog), "\n"))
	}
}

// isStateChange reports whether a stand-in records the request: queries
// (status, --list, version, a bare "chkconfig NAME") are not recorded,
// nor requests for unknown services.
func isStateChange(args []string) bool {
	joined := strings.Join(args, " ")
	switch {
	case strings.Contains(joined, "nosuch"), strings.Contains(joined, "status"),
		strings.Contains(joined, "--list"), strings.Contains(joined, "version"):
		return false
	case args[0] == "chkconfig" && len(args) == 2:
		return false
	}
	return true
}

// normalizeLog spells upstart's short commands as initctl does in the log.
func normalizeLog(lines []string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		for _, alias := range []string{"start ", "stop ", "restart "} {
			if strings.HasPrefix(l, alias) {
				l = "initctl " + l
			}
		}
		out[i] = l
	}
	return out
}
