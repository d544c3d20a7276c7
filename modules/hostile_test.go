package modules

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/gansible/gansible/connection"
	"github.com/gansible/gansible/refenv"
	"github.com/gansible/gansible/shell"
)

// hostileCase is one parameter of testdata/hostile_cases.yaml.
type hostileCase struct {
	Name        string         `yaml:"name"`
	Module      string         `yaml:"module"`
	Args        map[string]any `yaml:"args"`
	Tools       []string       `yaml:"tools"`
	CheckToo    bool           `yaml:"check_too"`
	RefuseDash  string         `yaml:"refuse_dash"`
	OwnArgs     bool           `yaml:"own_args"`
	MsgHasValue string         `yaml:"msg_has_value"`
	Prepare     string         `yaml:"prepare"`
}

// standIns are the programs the tests replace with recording stand-ins:
// each writes its name and arguments, NUL-separated, to a file of its own
// in the log directory and then does what its entry says.
var standIns = map[string]string{
	// Tools that change things or run services: record only.
	"dnf": "exit 0", "yum": "exit 0", "chown": "exit 0", "chgrp": "exit 0",
	"chmod": "exit 0", "cp": "exit 0", "mv": "exit 0", "rm": "exit 0",
	"rmdir": "exit 0", "mkdir": "exit 0", "ln": "exit 0", "touch": "exit 0",
	"service": "exit 3", "chkconfig": "exit 0",
	"groupadd": "exit 0", "groupmod": "exit 0", "groupdel": "exit 0",
	"useradd": "exit 0", "usermod": "exit 0", "userdel": "exit 0", "chpasswd": "cat >/dev/null; exit 0",
	"initctl": "exit 0", "systemctl": "exit 0", "prog": "exit 0", "probe": "exit 0",
	"sysctl": "exit 0", "mount": "exit 0", "umount": "exit 0",
	// Nothing is installed.
	"rpm": "exit 1",
	// A zip lists one member, which differs from the tree's: unzip puts
	// it in the module's temporary directory for comparing.
	"unzip": `p=; for a do
	[ "$a" = -Z1 ] && echo member
	case $p in -d) case $a in "$GANSIBLE_WORK"/tmp.*) echo y >"$a/member" ;; esac ;; esac
	p=$a
done; exit 0`,
	// An archive always differs from the tree, so that it is extracted.
	"tar": `for a do case $a in -d) echo "member: Size differs"; exit 1 ;; -t) echo member ;; esac; done; exit 0`,
	// Temporary files go to the work directory.
	"mktemp": `case " $* " in *" -d "*) exec @REAL_mktemp@ -d "$GANSIBLE_WORK/tmp.XXXXXX" ;; esac
exec @REAL_mktemp@ "$GANSIBLE_WORK/tmp.XXXXXX"`,
	// Tools that only read: record, then run the real one.
	"stat": "exec @REAL_stat@ \"$@\"", "readlink": "exec @REAL_readlink@ \"$@\"",
	"id": "exec @REAL_id@ \"$@\"", "getent": "exec @REAL_getent@ \"$@\"",
	"od": "exec @REAL_od@ \"$@\"", "find": "exec @REAL_find@ \"$@\"",
	"dirname": "exec @REAL_dirname@ \"$@\"", "cmp": "exec @REAL_cmp@ \"$@\"",
	"diff": "exec @REAL_diff@ \"$@\"",
}

// standInHost is a connection.Conn that runs commands on this machine, in
// a work directory, with the stand-ins first on PATH. The service probe,
// which looks for init tools in fixed directories, is not run: its first
// line (the values, as positional parameters) is handed to the "probe"
// stand-in, and the probe's answer is canned.
type standInHost struct {
	bin, log, work string
	serviceProbe   string
}

func newStandInHost(t *testing.T) *standInHost {
	t.Helper()
	root := t.TempDir()
	h := &standInHost{bin: filepath.Join(root, "bin"), log: filepath.Join(root, "log"), work: filepath.Join(root, "work")}
	for _, d := range []string{h.bin, h.log, h.work} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	realMktemp, err := exec.LookPath("mktemp")
	if err != nil {
		t.Fatal(err)
	}
	for name, body := range standIns {
		for _, tool := range []string{"mktemp", "stat", "readlink", "id", "getent", "od", "find", "dirname", "cmp", "diff"} {
			if strings.Contains(body, "@REAL_"+tool+"@") {
				p, err := exec.LookPath(tool)
				if err != nil {
					refenv.Unavailable(t, "%s not installed", tool)
				}
				body = strings.ReplaceAll(body, "@REAL_"+tool+"@", shell.Quote(p))
			}
		}
		script := "#!/bin/sh\nf=$(" + shell.Quote(realMktemp) + ` "$GANSIBLE_LOG/call.XXXXXX") || exit 97
{ printf '%s\0' ` + name + `; for a do printf '%s\0' "$a"; done; } >"$f"
` + body + "\n"
		if err := os.WriteFile(filepath.Join(h.bin, name), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return h
}

func (h *standInHost) env() string {
	return "PATH=" + shell.Quote(h.bin) + `:"$PATH" GANSIBLE_LOG=` + shell.Quote(h.log) +
		" GANSIBLE_WORK=" + shell.Quote(h.work) + "; export PATH GANSIBLE_LOG GANSIBLE_WORK; cd " + shell.Quote(h.work) + " || exit 1\n"
}

func (h *standInHost) Run(ctx context.Context, cmd string, stdin io.Reader, b *connection.Become) (connection.Result, error) {
	if strings.Contains(cmd, "binpath systemctl systemctl") {
		first, _, _ := strings.Cut(cmd, recordFuncs)
		if _, err := (connection.Local{}).Run(ctx, h.env()+first+"probe \"$@\"\n", nil, nil); err != nil {
			return connection.Result{}, err
		}
		return connection.Result{Stdout: []byte(h.serviceProbe)}, nil
	}
	return connection.Local{}.Run(ctx, h.env()+cmd, stdin, b)
}

func (h *standInHost) Close() error { return nil }

// calls returns the recorded invocations, each as the tool's name and
// its arguments.
func (h *standInHost) calls(t *testing.T) [][]string {
	t.Helper()
	entries, err := os.ReadDir(h.log)
	if err != nil {
		t.Fatal(err)
	}
	var calls [][]string
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(h.log, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		words := strings.Split(strings.TrimSuffix(string(data), "\x00"), "\x00")
		calls = append(calls, words)
	}
	sort.Slice(calls, func(i, j int) bool { return strings.Join(calls[i], " ") < strings.Join(calls[j], " ") })
	return calls
}

// writeTar writes a one-file tar archive.
func writeTar(t *testing.T, p string) {
	t.Helper()
	var buf bytes.Buffer
	w := tar.NewWriter(&buf)
	if err := w.WriteHeader(&tar.Header{Name: "member", Mode: 0o644, Size: 1}); err != nil {
		t.Fatal(err)
	}
	w.Write([]byte("x"))
	w.Close()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// writeZip writes a one-file zip archive.
func writeZip(t *testing.T, p string) {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	f, err := w.Create("member")
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte("x"))
	w.Close()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestHostileValues runs each module with each hostile value in each
// parameter on this machine, with recording stand-ins for the tools, and
// checks that the value reached a tool as one whole argument that no tool
// can read as an option, or that the task was refused; and that no value
// ever ran a command.
func TestHostileValues(t *testing.T) {
	if testing.Short() {
		t.Skip("runs many host scripts")
	}
	data, err := os.ReadFile("testdata/hostile_cases.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var table struct {
		Values []string      `yaml:"values"`
		Cases  []hostileCase `yaml:"cases"`
	}
	if err := yaml.Unmarshal(data, &table); err != nil {
		t.Fatal(err)
	}
	for _, tc := range table.Cases {
		for _, check := range []bool{false, true} {
			if check && !tc.CheckToo {
				continue
			}
			for i, raw := range table.Values {
				name := tc.Name
				if check {
					name += " check"
				}
				t.Run(name+"/"+strings.Fields(strings.ReplaceAll(raw, "@MARK@", "M") + " .")[0]+"_"+string(rune('a'+i)), func(t *testing.T) {
					runHostileCase(t, tc, raw, check)
				})
			}
		}
	}
}

func runHostileCase(t *testing.T, tc hostileCase, raw string, check bool) {
	h := newStandInHost(t)
	mark := filepath.Join(filepath.Dir(h.work), "mark")
	value := strings.ReplaceAll(raw, "@MARK@", mark)
	rep := strings.NewReplacer("@V@", value, "@Q@", shell.Quote(value), "@BIN@", h.bin, "@WORK@", h.work)
	args := Args(substitute(tc.Args, rep).(map[string]any))
	nul := strings.Contains(value, "\x00")
	if !nul {
		switch tc.Prepare {
		case "tar":
			writeTar(t, filepath.Join(h.work, value))
		case "zip":
			writeZip(t, filepath.Join(h.work, value))
		case "dir":
			if err := os.MkdirAll(filepath.Join(h.work, value), 0o755); err != nil {
				t.Fatal(err)
			}
		case "parent", "file":
			p := filepath.Join(h.work, value)
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if tc.Prepare == "file" {
				if err := os.WriteFile(p, nil, 0o644); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	writeTar(t, filepath.Join(h.work, "a.tar"))
	writeZip(t, filepath.Join(h.work, "a.zip"))
	if err := os.MkdirAll(filepath.Join(h.work, "tree", "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	h.serviceProbe = formatRecords(map[string]any{
		"manager": "sysv", "svc_cmd": filepath.Join(h.bin, "service"),
		"enable_cmd": filepath.Join(h.bin, "chkconfig"), "initscript": "/etc/init.d/" + value,
		"status.rc": 3, "chkconfig.out": value + " 0:off 1:off 2:off 3:off 4:off 5:off 6:off",
	})

	m, ok := Lookup(tc.Module)
	if !ok {
		t.Fatalf("module %s not registered", tc.Module)
	}
	c := &Context{Ctx: context.Background(), Conn: h, Host: "localhost", CheckMode: check,
		// Controller-side files are the work directory's.
		FindFile: func(_, name string) (string, error) { return filepath.Join(h.work, name), nil }}
	args, err := Validate(tc.Module, m, args)
	if err != nil {
		if nul && strings.Contains(err.Error(), "NUL byte") {
			return
		}
		t.Fatalf("args refused: %v", err)
	}
	if nul {
		t.Fatal("a NUL byte was accepted")
	}
	r, err := m.Run(c, args)
	if err != nil {
		t.Fatalf("%s: %v", tc.Module, err)
	}
	if _, err := os.Lstat(mark); err == nil {
		t.Fatalf("the value ran a command (%s exists)", mark)
	}
	if tc.RefuseDash != "" && strings.HasPrefix(value, "-") {
		if !r.Failed || !strings.Contains(r.Msg, tc.RefuseDash) {
			t.Fatalf("leading \"-\" not refused: failed=%v msg=%q", r.Failed, r.Msg)
		}
		return
	}
	if tc.MsgHasValue != "" {
		if !strings.Contains(r.Msg, tc.MsgHasValue) || !strings.Contains(r.Msg, value) {
			t.Errorf("msg = %q, want %q with the value", r.Msg, tc.MsgHasValue)
		}
	}
	calls := h.calls(t)
	arrived := len(tc.Tools) == 0
	for _, call := range calls {
		for j, arg := range call[1:] {
			k := strings.Index(arg, value)
			if k < 0 {
				continue
			}
			if contains(tc.Tools, call[0]) && wholeArgument(arg, value, tc.OwnArgs) {
				arrived = true
			}
			// The probe stand-in gets a module's own script's positional
			// parameters, not a tool's arguments.
			if tc.OwnArgs || call[0] == "probe" || k > 0 || !strings.HasPrefix(value, "-") {
				continue
			}
			if !contains(call[1:j+1], "--") {
				t.Errorf("%s reads the value as an option: %q", call[0], call[1:])
			}
		}
	}
	if !arrived {
		t.Errorf("the value reached none of %v as one argument; calls:\n%q\nresult: %v %s", tc.Tools, calls, r.Failed, r.Msg)
	}
}

// wholeArgument says that arg is the value as one argument: the value
// itself, or with what gansible adds: a "./" or an option's "--NAME="
// before it, a path below it ("/..." after it).
func wholeArgument(arg, value string, exact bool) bool {
	if arg == value {
		return true
	}
	if exact {
		return false
	}
	i := strings.Index(arg, value)
	if i < 0 {
		return false
	}
	prefix, suffix := arg[:i], arg[i+len(value):]
	return (prefix == "" || prefix == "./" || strings.HasPrefix(prefix, "--") && strings.HasSuffix(prefix, "=")) &&
		(suffix == "" || strings.HasPrefix(suffix, "/"))
}
