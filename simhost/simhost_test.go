package simhost

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestAgainstRealShell runs each script on a simulated host and with the
// machine's /bin/sh and coreutils in a fresh directory D (made on both),
// and wants the same output and exit status: the model answers as a real
// host does, for what it models.
func TestAgainstRealShell(t *testing.T) {
	if _, err := exec.LookPath("sha1sum"); err != nil {
		t.Skip("no coreutils")
	}
	for _, tc := range []struct{ name, script, stdin string }{
		{"umask", `umask; umask 077; umask`, ""},
		{"write and read back", `cat > "$D/f" && cat "$D/f" && wc -c < "$D/f" && sha1sum < "$D/f" | cut -d' ' -f1`, "hello\nworld\n"},
		{"stat of a file", `printf x > "$D/f"; chmod 0640 "$D/f"; stat -c '%f %s %a %A %F %h %U %G' -- "$D/f"`, ""},
		{"stat of a missing file", `stat -c %s -- "$D/nope" 2>/dev/null; echo "rc $?"`, ""},
		{"mkdir -p and dirs", `mkdir -p -- "$D/a/b/c" && stat -c '%F %a' "$D/a" "$D/a/b/c"; [ -d "$D/a/b" ] && echo dir`, ""},
		{"mkdir -m", `mkdir -m 0700 "$D/m" && stat -c '%a' "$D/m"; mkdir "$D/m" 2>/dev/null || echo exists`, ""},
		{"symlinks", `echo t > "$D/t"; ln -s t "$D/l"; readlink -- "$D/l"; [ -L "$D/l" ] && echo link; stat -L -c %F "$D/l"; stat -c %F "$D/l"; r=$(readlink -f -- "$D/l"); [ "$r" = "$D/t" ] && echo canon`, ""},
		{"mv replaces", `echo a > "$D/a"; echo b > "$D/b"; mv -f -- "$D/a" "$D/b"; cat "$D/b"; [ -e "$D/a" ] || echo gone`, ""},
		{"mktemp beside", `t=$(mktemp -- "$D/.x.XXXXXX") && stat -c '%a %s' "$t" && case $t in "$D"/.x.??????) echo named ;; esac`, ""},
		{"rm", `mkdir -p "$D/r/s"; touch "$D/r/s/f"; rm "$D/r" 2>/dev/null || echo "is dir"; rm -rf -- "$D/r"; [ -e "$D/r" ] || echo removed; rm -f -- "$D/none"; echo "rc $?"`, ""},
		{"touch and creates", `touch "$D/m"; [ -e "$D/m" ] && echo made; stat -c '%a %s' "$D/m"`, ""},
		{"globs", `touch "$D/g.1" "$D/g.2" "$D/h"; for f in "$D"/g.*; do echo "${f#"$D"/}"; done`, ""},
		{"command -v", `command -v sha1sum >/dev/null && echo has; command -v no-such-tool || echo "none $?"`, ""},
		{"dirname", `dirname -- /a/b/c; dirname /a; dirname a; dirname /`, ""},
		{"not found", `no-such-tool 2>/dev/null; echo "rc $?"`, ""},
		{"exit status", `exit 3`, ""},
		{"heredoc and read", "while IFS=: read -r a b; do echo \"$b\"; done <<EOF\nx:1\ny:2\nEOF", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			real := exec.Command("/bin/sh", "-c", tc.script)
			real.Env = append(os.Environ(), "D="+dir, "LC_ALL=C")
			real.Stdin = strings.NewReader(tc.stdin)
			var rout strings.Builder
			real.Stdout = &rout
			rcode := 0
			if err := real.Run(); err != nil {
				ee, ok := err.(*exec.ExitError)
				if !ok {
					t.Fatal(err)
				}
				rcode = ee.ExitCode()
			}

			h := New("sim")
			prep, err := h.Run(context.Background(), "mkdir -p -- '"+dir+"'", nil, nil)
			if err != nil || prep.ExitCode != 0 {
				t.Fatalf("mkdir: %v %s", err, prep.Stderr)
			}
			res, err := h.Run(context.Background(), "D='"+dir+"'\n"+tc.script, strings.NewReader(tc.stdin), nil)
			if err != nil {
				t.Fatal(err)
			}
			if string(res.Stdout) != rout.String() || res.ExitCode != rcode {
				t.Errorf("simulated: %q exit %d (stderr %q)\nreal:      %q exit %d", res.Stdout, res.ExitCode, res.Stderr, rout.String(), rcode)
			}
		})
	}
}

// TestUnmodelledOptionsAreRefused: an option the model lacks fails the
// command rather than being ignored.
func TestUnmodelledOptionsAreRefused(t *testing.T) {
	h := New("sim")
	for _, script := range []string{"stat -f -c %T /", "chmod u+x /etc/passwd", "cut -c1-3 </etc/passwd", "ln /etc/passwd /tmp/hard", "date -d yesterday"} {
		res, err := h.Run(context.Background(), script, nil, nil)
		if err != nil || res.ExitCode == 0 || len(res.Stderr) == 0 {
			t.Errorf("%s: exit %d, stderr %q, %v; want a failure that says why", script, res.ExitCode, res.Stderr, err)
		}
	}
}

// TestHostsAreSeparate: each name has its own filesystem, kept across
// dials.
func TestHostsAreSeparate(t *testing.T) {
	a, b := Dial(t.Name()+"-a"), Dial(t.Name()+"-b")
	if _, err := a.Run(context.Background(), "echo a > /tmp/f", nil, nil); err != nil {
		t.Fatal(err)
	}
	if res, _ := b.Run(context.Background(), "cat /tmp/f", nil, nil); res.ExitCode == 0 {
		t.Errorf("host b sees host a's file: %q", res.Stdout)
	}
	if res, _ := Dial(t.Name()+"-a").Run(context.Background(), "cat /tmp/f; hostname", nil, nil); string(res.Stdout) != "a\n"+t.Name()+"-a\n" {
		t.Errorf("host a after a new dial: %q", res.Stdout)
	}
}

// TestRunsLeaveNoDescriptors: a script given stdin that it leaves unread
// (or reads) keeps no file descriptor once it is over, so that thousands
// of hosts can run for long.
func TestRunsLeaveNoDescriptors(t *testing.T) {
	open := func() int {
		ents, err := os.ReadDir("/proc/self/fd")
		if err != nil {
			t.Skip(err)
		}
		return len(ents)
	}
	h := New("sim")
	before := open()
	for i := range 200 {
		script := "echo unread"
		if i%2 == 0 {
			script = "cat > /tmp/f | cut -d' ' -f1"
		}
		if res, err := h.Run(context.Background(), script, strings.NewReader(strings.Repeat("x", 100000)), nil); err != nil || res.ExitCode != 0 {
			t.Fatalf("%s: %v %q", script, err, res.Stderr)
		}
	}
	if after := open(); after > before+4 {
		t.Errorf("%d descriptors open after 200 runs, %d before", after, before)
	}
}
