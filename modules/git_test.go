package modules

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestGitLocal runs the module on this machine: the error without git on
// PATH, a fresh clone, the same again, local modifications, and check
// mode's prediction for a missing dest.
func TestGitLocal(t *testing.T) {
	gitBin, err := exec.LookPath("git")
	if err != nil {
		t.Skip("no git")
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	for _, args := range [][]string{{"init", "-q", "-b", "main", src}, {"-C", src, "commit", "-q", "--allow-empty", "-m", "one"}} {
		cmd := exec.Command(gitBin, args...)
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@t", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@t", "GIT_CONFIG_GLOBAL=/dev/null")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%v: %s", err, out)
		}
	}
	run := func(path string, check bool, extra map[string]any) *Result {
		t.Helper()
		args := Args{"repo": src, "dest": filepath.Join(dir, "work")}
		for k, v := range extra {
			args[k] = v
		}
		m, _ := Lookup("ansible.builtin.git")
		v, err := Validate("git", m, args)
		if err != nil {
			t.Fatal(err)
		}
		c := &Context{Ctx: context.Background(), Conn: envConn{env: map[string]string{"PATH": path, "HOME": dir}}, CheckMode: check, DiffMode: true}
		res, err := m.Run(c, v)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	empty := t.TempDir()
	_, inSbin := os.Stat("/usr/sbin/git")
	if res := run(empty, false, nil); inSbin != nil && (!res.Failed || res.Msg != `Failed to find required executable "git" in paths: `+empty+":/sbin:/usr/sbin:/usr/local/sbin") {
		t.Errorf("no git on PATH: %+v", res)
	}
	path := filepath.Dir(gitBin) + ":/bin:/usr/bin"
	pred := run(path, true, nil)
	if pred.Failed || !pred.Changed || pred.Fields["before"] != nil || len(pred.Fields["after"].(string)) != 40 {
		t.Fatalf("check mode: %+v", pred)
	}
	if d, _ := pred.Fields["diff"].(map[string]any); d["prepared"] != ">> Newly checked out "+pred.Fields["after"].(string) {
		t.Errorf("check mode diff: %v", pred.Fields["diff"])
	}
	if _, err := os.Stat(filepath.Join(dir, "work")); !os.IsNotExist(err) {
		t.Fatalf("check mode cloned: %v", err)
	}
	first := run(path, false, nil)
	if first.Failed || !first.Changed || first.Fields["after"] != pred.Fields["after"] {
		t.Fatalf("clone: %+v", first)
	}
	again := run(path, false, nil)
	if again.Failed || again.Changed || again.Fields["before"] != first.Fields["after"] || again.Fields["remote_url_changed"] != false {
		t.Fatalf("again: %+v", again)
	}
	if err := os.WriteFile(filepath.Join(dir, "work", "tracked"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if untracked := run(path, false, nil); untracked.Failed || untracked.Changed {
		t.Fatalf("an untracked file: %+v", untracked)
	}
	cmd := exec.Command(gitBin, "-C", filepath.Join(dir, "work"), "add", "tracked")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	mods := run(path, false, nil)
	if !mods.Failed || !strings.HasPrefix(mods.Msg, "Local modifications exist in the destination: ") || mods.Fields["before"] != first.Fields["after"] {
		t.Fatalf("local modifications: %+v", mods)
	}
	forced := run(path, false, map[string]any{"force": true})
	if forced.Failed || !forced.Changed || forced.Msg != "Local modifications exist in the destination: "+filepath.Join(dir, "work") {
		t.Fatalf("force: %+v", forced)
	}
}
