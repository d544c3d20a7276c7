package testcluster

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
)

// GitRepo is the bare git repository BuildStandins writes beside the
// packages, for the git module's cases. Hosts see it at the same path
// (their root is an overlay over the machine's), as a plain path or a
// file:// URL.
const GitRepo = "demo.git"

// The repository's history, fixed so that every build has the same
// commit ids (git hashes the author, committer and their dates):
//
//	master:  c1 (tag v1.0, lightweight) - c2 (tag v2.0, annotated) - c4
//	feature: c1 - c3
//
// HEAD is master.
var gitRepoCommits = []struct {
	branch, from string // the branch the commit goes on, and where it starts
	files        map[string]string
	message      string
	tag          string
	annotated    bool
}{
	{branch: "master", files: map[string]string{"README": "demo repository\n", "version.txt": "1\n"}, message: "first", tag: "v1.0"},
	{branch: "master", files: map[string]string{"version.txt": "2\n", "lib/a.sh": "echo a\n"}, message: "second", tag: "v2.0", annotated: true},
	{branch: "feature", from: "v1.0", files: map[string]string{"feature.txt": "feature work\n"}, message: "feature"},
	{branch: "master", files: map[string]string{"version.txt": "3\n"}, message: "third"},
}

// buildGitRepo writes GitRepo into dir, replacing an older build. The
// build runs git with a fixed identity, dates and configuration of its
// own, so the machine's git configuration changes nothing.
func buildGitRepo(ctx context.Context, dir string) error {
	work, err := os.MkdirTemp("", "gansible-gitrepo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	date := 0
	git := func(args ...string) error {
		cmd := exec.CommandContext(ctx, "git", args...)
		cmd.Dir = work
		stamp := strconv.Itoa(standinEpoch+date*3600) + " +0000"
		cmd.Env = []string{
			"PATH=" + os.Getenv("PATH"), "HOME=" + work, "LANG=C",
			"GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null",
			"GIT_AUTHOR_NAME=gansible", "GIT_AUTHOR_EMAIL=standin@gansible.invalid", "GIT_AUTHOR_DATE=" + stamp,
			"GIT_COMMITTER_NAME=gansible", "GIT_COMMITTER_EMAIL=standin@gansible.invalid", "GIT_COMMITTER_DATE=" + stamp,
		}
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("git %v: %v: %s", args, err, out)
		}
		return nil
	}
	if err := git("init", "-q", "-b", "master"); err != nil {
		return err
	}
	for i, c := range gitRepoCommits {
		date = i + 1
		if c.from != "" {
			if err := git("checkout", "-q", "-b", c.branch, c.from); err != nil {
				return err
			}
		} else if i > 0 {
			if err := git("checkout", "-q", c.branch); err != nil {
				return err
			}
		}
		for name, content := range c.files {
			p := filepath.Join(work, name)
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				return err
			}
			if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
				return err
			}
		}
		if err := git("add", "-A"); err != nil {
			return err
		}
		if err := git("commit", "-q", "-m", c.message); err != nil {
			return err
		}
		if c.tag != "" {
			args := []string{"tag", c.tag}
			if c.annotated {
				args = []string{"tag", "-a", "-m", "release " + c.tag, c.tag}
			}
			if err := git(args...); err != nil {
				return err
			}
		}
	}
	if err := git("checkout", "-q", "master"); err != nil {
		return err
	}
	dest := filepath.Join(dir, GitRepo)
	if err := os.RemoveAll(dest); err != nil {
		return err
	}
	return git("clone", "-q", "--bare", "--no-local", work, dest)
}
